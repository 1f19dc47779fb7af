package dev.s3seal.limits;

/** Which limit stopped a request; {@link #tagValue()} is its metric tag. */
public enum Limit {
    /** The request headers did not arrive in time; the connection was closed. */
    HEADER_READ("header-read"),
    /** No request body bytes for too long; the client got RequestTimeout (or a closed connection). */
    BODY_IDLE("body-idle"),
    /** The client already had its maximum of requests in flight; it got SlowDown. */
    CLIENT_CONCURRENCY("client-concurrency");

    private final String tagValue;

    Limit(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }
}
