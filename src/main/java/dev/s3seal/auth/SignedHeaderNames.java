package dev.s3seal.auth;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.List;
import java.util.Locale;

/** Parses the SignedHeaders list and enforces that {@code host} is among them, as S3 requires. */
final class SignedHeaderNames {

    private SignedHeaderNames() {}

    static List<String> parse(String value, S3ErrorCode errorCode) {
        if (value.isEmpty()) {
            throw new S3Exception(errorCode, "SignedHeaders must not be empty.");
        }
        String[] names = value.split(";", -1);
        for (int i = 0; i < names.length; i++) {
            names[i] = names[i].strip().toLowerCase(Locale.ROOT);
            if (names[i].isEmpty()) {
                throw new S3Exception(errorCode, "SignedHeaders contains an empty header name.");
            }
        }
        List<String> list = List.of(names);
        if (!list.contains("host")) {
            throw new S3Exception(errorCode, "The host header must be signed.");
        }
        return list;
    }
}
