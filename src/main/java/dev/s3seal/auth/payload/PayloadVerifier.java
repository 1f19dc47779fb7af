package dev.s3seal.auth.payload;

import dev.s3seal.auth.AuthResult;
import dev.s3seal.auth.PayloadMode;
import dev.s3seal.auth.SigV4Signing;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Pure incremental request-body decoder and verifier. Feed raw body bytes as they arrive with
 * {@link #update}; it returns the decoded payload bytes. Nothing is trusted until {@link #finish}
 * returns: callers must hold back the last decoded bytes until then (see VerifiedBodyOperator),
 * so a body that fails its signature, length, Content-MD5 or checksum is never stored.
 * Not thread-safe; one instance per request.
 */
public final class PayloadVerifier {

    private final @Nullable AwsChunkedDecoder chunked;
    private final DeclaredDigests declared;
    private final PayloadMode mode;
    private final @Nullable String declaredSha256Hex;
    private final @Nullable MessageDigest sha256;
    private final @Nullable MessageDigest md5;
    private final Map<ChecksumAlgorithm, ChecksumAlgorithm.Running> checksums = new EnumMap<>(ChecksumAlgorithm.class);
    private long decoded;
    private boolean closed;
    private @Nullable FlexibleChecksum verified;
    private boolean finished;

    private PayloadVerifier(AuthResult auth, DeclaredDigests declared) {
        this.mode = auth.payloadMode();
        this.declared = declared;
        this.declaredSha256Hex = auth.declaredSha256Hex();
        this.sha256 = mode == PayloadMode.SIGNED ? SigV4Signing.newSha256() : null;
        this.md5 = declared.contentMd5() == null ? null : ChecksumAlgorithm.messageDigest("MD5");
        Set<ChecksumAlgorithm> needed = EnumSet.noneOf(ChecksumAlgorithm.class);
        needed.addAll(declared.headerChecksums().keySet());
        needed.addAll(declared.trailerChecksums());
        needed.forEach(a -> checksums.put(a, a.start()));
        this.chunked = mode.isStreaming()
                ? new AwsChunkedDecoder(
                        auth.chunkSigning(),
                        !declared.trailerChecksums().isEmpty(),
                        mode == PayloadMode.STREAMING_SIGNED_TRAILER,
                        declared.decodedLength())
                : null;
    }

    /** Reads content-length, x-amz-decoded-content-length, content-md5, x-amz-checksum-*, x-amz-trailer. */
    public static PayloadVerifier forRequest(AuthResult auth, Map<String, List<String>> headers) {
        if (auth.payloadMode().hasChunkSignatures() && auth.chunkSigning() == null) {
            throw new IllegalArgumentException("a signed streaming payload needs its chunk signing context");
        }
        return new PayloadVerifier(auth, DeclaredDigests.parse(auth.payloadMode(), headers));
    }

    /**
     * Consumes all of {@code in}; returns the decoded payload bytes it held, as read-only views of
     * {@code in} that stay valid only while {@code in}'s memory does (copy before releasing it).
     */
    public List<ByteBuffer> update(ByteBuffer in) {
        requireOpen();
        List<ByteBuffer> out = new ArrayList<>(2);
        try {
            if (chunked != null) {
                chunked.update(in, out);
            } else {
                if (declared.decodedLength() >= 0 && in.remaining() > declared.decodedLength() - decoded) {
                    throw new S3Exception(
                            S3ErrorCode.INCOMPLETE_BODY, "The request body is longer than the Content-Length header.");
                }
                out.add(in.slice());
                in.position(in.limit());
            }
        } catch (RuntimeException e) {
            closed = true;
            throw e;
        }
        for (int i = 0; i < out.size(); i++) {
            ByteBuffer data = out.get(i).asReadOnlyBuffer();
            out.set(i, data);
            digest(data);
        }
        return out;
    }

    /** Call at end of body; throws the S3 error for the first promise the body did not keep. */
    public void finish() {
        requireOpen();
        closed = true;
        if (chunked != null && !chunked.isComplete()) {
            throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY, "The aws-chunked body ended before its final chunk.");
        }
        if (declared.decodedLength() >= 0 && decoded != declared.decodedLength()) {
            throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
        }
        if (sha256 != null
                && !MessageDigest.isEqual(sha256.digest(), HexFormat.of().parseHex(declaredSha256Hex))) {
            throw new S3Exception(S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH);
        }
        if (md5 != null && !MessageDigest.isEqual(md5.digest(), declared.contentMd5())) {
            throw new S3Exception(
                    S3ErrorCode.BAD_DIGEST, "The Content-MD5 you specified did not match what we received.");
        }
        Map<ChecksumAlgorithm, byte[]> expected = new EnumMap<>(declared.headerChecksums());
        Map<ChecksumAlgorithm, byte[]> trailed = trailerValues();
        for (Map.Entry<ChecksumAlgorithm, ChecksumAlgorithm.Running> e : checksums.entrySet()) {
            byte[] actual = e.getValue().digest();
            checkChecksum(e.getKey(), expected.get(e.getKey()), actual);
            checkChecksum(e.getKey(), trailed.get(e.getKey()), actual);
            if (verified == null) {
                verified = new FlexibleChecksum(e.getKey(), actual);
            }
        }
        finished = true;
    }

    /**
     * The flexible checksum the client declared for the body (an {@code x-amz-checksum-*} header or a
     * trailer named in {@code x-amz-trailer}), known before the body: what S3 will answer it with.
     */
    public Optional<ChecksumAlgorithm> declaredChecksumAlgorithm() {
        return checksums.keySet().stream().findFirst();
    }

    /**
     * The value of an {@code x-amz-checksum-*} header, known before the body. It holds for the body
     * only once {@link #finish} succeeded (the body fails otherwise); a trailer's value is not here.
     */
    public Optional<FlexibleChecksum> headerChecksum() {
        return declared.headerChecksums().entrySet().stream()
                .findFirst()
                .map(e -> new FlexibleChecksum(e.getKey(), e.getValue()));
    }

    /**
     * The declared checksum as computed over the body and checked against the client's value, once
     * {@link #finish} succeeded; empty when the client declared none.
     *
     * @throws IllegalStateException before the body verified
     */
    public Optional<FlexibleChecksum> verifiedChecksum() {
        if (!finished) {
            throw new IllegalStateException("the body has not been verified");
        }
        return Optional.ofNullable(verified);
    }

    /** The plaintext length the client declared (Content-Length or x-amz-decoded-content-length), -1 if unknown. */
    public long decodedLength() {
        return declared.decodedLength();
    }

    private Map<ChecksumAlgorithm, byte[]> trailerValues() {
        Map<ChecksumAlgorithm, byte[]> values = new EnumMap<>(ChecksumAlgorithm.class);
        Map<String, String> trailers = chunked == null ? Map.of() : chunked.trailers();
        for (Map.Entry<String, String> t : trailers.entrySet()) {
            ChecksumAlgorithm algorithm = ChecksumAlgorithm.fromHeaderName(t.getKey())
                    .filter(declared.trailerChecksums()::contains)
                    .orElseThrow(() -> new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "A trailing header was sent that x-amz-trailer did not declare."));
            values.put(algorithm, DeclaredDigests.decodeChecksum(algorithm, t.getValue()));
        }
        for (ChecksumAlgorithm algorithm : declared.trailerChecksums()) {
            if (!values.containsKey(algorithm)) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The trailing header " + algorithm.headerName() + " declared in x-amz-trailer was not sent.");
            }
        }
        return values;
    }

    private static void checkChecksum(ChecksumAlgorithm algorithm, byte @Nullable [] expected, byte[] actual) {
        if (expected != null && !MessageDigest.isEqual(expected, actual)) {
            throw new S3Exception(
                    S3ErrorCode.BAD_DIGEST,
                    "The " + algorithm.name() + " you specified did not match the calculated checksum.");
        }
    }

    private void digest(ByteBuffer data) {
        decoded += data.remaining();
        if (sha256 != null) {
            sha256.update(data.duplicate());
        }
        if (md5 != null) {
            md5.update(data.duplicate());
        }
        for (ChecksumAlgorithm.Running running : checksums.values()) {
            running.update(data);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("PayloadVerifier already finished or failed");
        }
    }
}
