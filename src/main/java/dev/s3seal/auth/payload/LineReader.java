package dev.s3seal.auth.payload;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Collects one CRLF-terminated line across any number of input buffers, with a hard cap so a
 * client cannot make s3seal buffer an endless "header".
 */
final class LineReader {

    private final byte[] line;
    private int length;

    LineReader(int maxLength) {
        this.line = new byte[maxLength];
    }

    /** The line without CRLF once complete (and resets), or null when more input is needed. */
    @Nullable
    String read(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (length == 0 || line[length - 1] != '\r') {
                    throw malformed("a line is not terminated by CRLF");
                }
                String text = new String(line, 0, length - 1, StandardCharsets.ISO_8859_1);
                length = 0;
                return text;
            }
            if (length == line.length) {
                throw malformed("a chunk header or trailer line is too long");
            }
            line[length++] = b;
        }
        return null;
    }

    /** A broken aws-chunked framing, as S3 answers it. */
    static S3Exception malformed(String what) {
        return new S3Exception(S3ErrorCode.INVALID_REQUEST, "Malformed aws-chunked body: " + what + ".");
    }
}
