package dev.s3seal.stream;

/**
 * The plaintext body handed to {@link EncryptOperator} was shorter or longer than the length
 * declared in the header (the request's decoded content length). The final segment is never
 * emitted in that case, so the upstream request cannot complete; the proxy answers
 * {@code IncompleteBody}.
 */
public class BodyLengthMismatchException extends RuntimeException {

    public BodyLengthMismatchException(String message) {
        super(message);
    }
}
