package dev.s3seal.auth.payload;

import dev.s3seal.auth.ChunkSigningContext;
import dev.s3seal.auth.SigV4Signing;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Incremental aws-chunked decoder: {@code <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n}...
 * then a zero-size chunk, optional trailer lines and an empty line. It accepts any split of the
 * input and keeps memory bounded: chunk data is hashed as it passes and handed out as slices of
 * the input; only one header or trailer line is buffered, with a hard cap.
 */
final class AwsChunkedDecoder {

    static final int MAX_LINE = 4096;
    static final int MAX_TRAILERS = 16;
    private static final String SIGNATURE_EXTENSION = "chunk-signature=";
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private enum State {
        HEADER,
        DATA,
        DATA_CR,
        DATA_LF,
        TRAILER,
        DONE
    }

    private final @Nullable ChunkSigningContext signing;
    private final boolean trailerDeclared;
    private final boolean signedTrailer;
    private final long maxDecoded;
    private final LineReader lines = new LineReader(MAX_LINE);
    private final @Nullable MessageDigest chunkDigest;
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private final StringBuilder canonicalTrailers = new StringBuilder();
    private State state = State.HEADER;
    private @Nullable String previousSignature;
    private @Nullable String chunkSignature;
    private long remaining;
    private long decoded;
    private boolean skippedBlankBeforeTrailers;
    private boolean trailerSignatureVerified;

    /**
     * @param signing null for STREAMING-UNSIGNED-PAYLOAD-TRAILER (no chunk signatures)
     * @param maxDecoded the declared decoded length; a chunk that would exceed it is refused at once
     */
    AwsChunkedDecoder(
            @Nullable ChunkSigningContext signing, boolean trailerDeclared, boolean signedTrailer, long maxDecoded) {
        this.signing = signing;
        this.trailerDeclared = trailerDeclared;
        this.signedTrailer = signedTrailer;
        this.maxDecoded = maxDecoded;
        this.chunkDigest = signing == null ? null : SigV4Signing.newSha256();
        this.previousSignature = signing == null ? null : signing.seedSignature();
    }

    /** Consumes all of {@code in}; appends decoded data as slices of {@code in} to {@code out}. */
    void update(ByteBuffer in, List<ByteBuffer> out) {
        while (in.hasRemaining()) {
            switch (state) {
                case HEADER -> readHeader(in);
                case DATA -> readData(in, out);
                case DATA_CR -> expect(in, '\r', State.DATA_LF);
                case DATA_LF -> expect(in, '\n', State.HEADER);
                case TRAILER -> readTrailer(in);
                case DONE ->
                    throw new S3Exception(
                            S3ErrorCode.INCOMPLETE_BODY,
                            "The request body continues after the final aws-chunked chunk.");
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    boolean isComplete() {
        return state == State.DONE;
    }

    long decodedLength() {
        return decoded;
    }

    /** Trailing headers as received: lower-case name to trimmed value (the signature excluded). */
    Map<String, String> trailers() {
        return trailers;
    }

    private void readHeader(ByteBuffer in) {
        String line = lines.read(in);
        if (line == null) {
            return;
        }
        int semicolon = line.indexOf(';');
        long size = parseSize(semicolon < 0 ? line : line.substring(0, semicolon));
        if (signing != null) {
            String extension = semicolon < 0 ? "" : line.substring(semicolon + 1);
            if (!extension.startsWith(SIGNATURE_EXTENSION)
                    || !SigV4Signing.isSha256Hex(extension.substring(SIGNATURE_EXTENSION.length()))) {
                throw malformed("a chunk header lacks a valid chunk-signature");
            }
            chunkSignature = extension.substring(SIGNATURE_EXTENSION.length());
        }
        if (size > maxDecoded - decoded) {
            throw new S3Exception(
                    S3ErrorCode.INCOMPLETE_BODY, "The aws-chunked body is longer than x-amz-decoded-content-length.");
        }
        remaining = size;
        if (size == 0) {
            verifyChunk();
            state = State.TRAILER;
        } else {
            state = State.DATA;
        }
    }

    private void readData(ByteBuffer in, List<ByteBuffer> out) {
        int n = (int) Math.min(remaining, in.remaining());
        ByteBuffer slice = in.slice(in.position(), n);
        in.position(in.position() + n);
        if (chunkDigest != null) {
            chunkDigest.update(slice.duplicate());
        }
        out.add(slice);
        remaining -= n;
        decoded += n;
        if (remaining == 0) {
            verifyChunk();
            state = State.DATA_CR;
        }
    }

    private void verifyChunk() {
        if (signing == null) {
            return;
        }
        String expected = signing.chunkSignature(previousSignature, SigV4Signing.hex(chunkDigest.digest()));
        if (!SigV4Signing.signaturesEqual(expected, chunkSignature)) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        }
        previousSignature = chunkSignature.toLowerCase(java.util.Locale.ROOT);
    }

    private void expect(ByteBuffer in, char c, State next) {
        if (in.get() != c) {
            throw malformed("chunk data is not followed by CRLF");
        }
        state = next;
    }

    private void readTrailer(ByteBuffer in) {
        String line = lines.read(in);
        if (line == null) {
            return;
        }
        if (line.isEmpty()) {
            if (trailerDeclared && trailers.isEmpty() && !skippedBlankBeforeTrailers) {
                skippedBlankBeforeTrailers = true;
                return;
            }
            if (signedTrailer && !trailers.isEmpty() && !trailerSignatureVerified) {
                throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, "The trailing headers were not signed.");
            }
            state = State.DONE;
            return;
        }
        int colon = line.indexOf(':');
        if (colon <= 0 || trailerSignatureVerified) {
            throw malformed("a trailing header is malformed or follows the trailer signature");
        }
        String name = line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        if (name.equals(TRAILER_SIGNATURE)) {
            verifyTrailerSignature(value);
        } else if (trailers.size() >= MAX_TRAILERS || trailers.putIfAbsent(name, value) != null) {
            throw malformed("too many or repeated trailing headers");
        } else {
            canonicalTrailers.append(line).append('\n');
        }
    }

    private void verifyTrailerSignature(String provided) {
        if (!signedTrailer) {
            throw malformed("a trailer signature was sent for an unsigned trailer");
        }
        String expected =
                signing.trailerSignature(previousSignature, SigV4Signing.sha256Hex(canonicalTrailers.toString()));
        if (!SigV4Signing.signaturesEqual(expected, provided)) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        }
        trailerSignatureVerified = true;
    }

    private static long parseSize(String hex) {
        String digits = hex.strip();
        if (digits.isEmpty() || digits.length() > 15) {
            throw malformed("a chunk size is not a hexadecimal number");
        }
        long size = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), 16);
            if (d < 0) {
                throw malformed("a chunk size is not a hexadecimal number");
            }
            size = size * 16 + d;
        }
        return size;
    }

    static S3Exception malformed(String what) {
        return LineReader.malformed(what);
    }
}
