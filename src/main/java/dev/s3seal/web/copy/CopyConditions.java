package dev.s3seal.web.copy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.web.envelope.PlaintextEtags;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * S3's {@code x-amz-copy-source-if-*} conditions, evaluated by s3seal against the source as the
 * client sees it: its plaintext ETag, not the upstream's ciphertext ETag. The upstream copy is then
 * pinned to the source's upstream ETag instead, so the object cannot change in between.
 *
 * <p>S3's rules: an If-Match that holds overrides a failing If-Unmodified-Since; any other failing
 * condition answers 412 PreconditionFailed (a copy never answers 304).
 */
final class CopyConditions {

    static final String IF_MATCH = "x-amz-copy-source-if-match";
    static final String IF_NONE_MATCH = "x-amz-copy-source-if-none-match";
    static final String IF_MODIFIED_SINCE = "x-amz-copy-source-if-modified-since";
    static final String IF_UNMODIFIED_SINCE = "x-amz-copy-source-if-unmodified-since";

    /** The client's copy headers that s3seal evaluates or replaces and never forwards. */
    static final Set<String> HANDLED = Set.of(
            IF_MATCH,
            IF_NONE_MATCH,
            IF_MODIFIED_SINCE,
            IF_UNMODIFIED_SINCE,
            "x-amz-copy-source",
            "x-amz-copy-source-range",
            "x-amz-metadata-directive");

    private CopyConditions() {}

    /**
     * @param clientEtag   the source's ETag as the client sees it
     * @param lastModified the source's Last-Modified header (RFC 1123), may be null
     * @throws S3Exception PreconditionFailed when a condition does not hold
     */
    static void check(S3Request request, String clientEtag, String lastModified) {
        String ifMatch = request.header(IF_MATCH);
        String ifNoneMatch = request.header(IF_NONE_MATCH);
        ZonedDateTime modified = parse(lastModified);
        if (ifMatch != null) {
            if (!PlaintextEtags.matches(ifMatch, clientEtag)) {
                throw failed();
            }
        } else {
            ZonedDateTime unmodifiedSince = parse(request.header(IF_UNMODIFIED_SINCE));
            if (unmodifiedSince != null && modified != null && modified.isAfter(unmodifiedSince)) {
                throw failed();
            }
        }
        if (ifNoneMatch != null && PlaintextEtags.matches(ifNoneMatch, clientEtag)) {
            throw failed();
        }
        ZonedDateTime modifiedSince = parse(request.header(IF_MODIFIED_SINCE));
        if (modifiedSince != null && modified != null && !modified.isAfter(modifiedSince)) {
            throw failed();
        }
    }

    /** S3 ignores a date it cannot parse. */
    private static ZonedDateTime parse(String date) {
        if (date == null || date.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }

    private static S3Exception failed() {
        return new S3Exception(S3ErrorCode.PRECONDITION_FAILED);
    }
}
