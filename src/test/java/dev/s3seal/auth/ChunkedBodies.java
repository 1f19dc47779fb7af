package dev.s3seal.auth;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.auth.payload.PayloadVerifier;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/** Test helper: builds aws-chunked bodies exactly as the SDKs send them, signed or not. */
public final class ChunkedBodies {

    public static final String AWS_SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    private ChunkedBodies() {}

    /** The chunk-signing context of AWS's documented streaming example. */
    public static ChunkSigningContext awsExampleContext(String seed) {
        byte[] key = SigV4Signing.signingKey(RequestSigner.SECRET, "20130524", "us-east-1", "s3");
        return new ChunkSigningContext(key, RequestSigner.AMZ_DATE, "20130524/us-east-1/s3/aws4_request", seed);
    }

    public static AuthResult auth(PayloadMode mode, ChunkSigningContext context) {
        ClientCredential client =
                new ClientCredential("example", RequestSigner.KEY_ID, RequestSigner.SECRET, Set.of("*"));
        return new AuthResult(client, mode, null, mode.hasChunkSignatures() ? context : null);
    }

    /**
     * @param context null for the unsigned-trailer variant (no chunk signatures)
     * @param trailers trailing headers in sending order; signed when {@code context} is not null
     */
    public static byte[] build(
            ChunkSigningContext context, byte[] payload, int chunkSize, Map<String, String> trailers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String previous = context == null ? null : context.seedSignature();
        for (int off = 0; off < payload.length; off += chunkSize) {
            byte[] chunk = Arrays.copyOfRange(payload, off, Math.min(payload.length, off + chunkSize));
            previous = writeChunkHeader(out, context, previous, chunk);
            out.writeBytes(chunk);
            write(out, "\r\n");
        }
        previous = writeChunkHeader(out, context, previous, new byte[0]);
        StringBuilder canonical = new StringBuilder();
        trailers.forEach((name, value) -> {
            write(out, name + ":" + value + "\r\n");
            canonical.append(name).append(':').append(value).append('\n');
        });
        if (context != null && !trailers.isEmpty()) {
            String signature = context.trailerSignature(previous, SigV4Signing.sha256Hex(canonical.toString()));
            write(out, "x-amz-trailer-signature:" + signature + "\r\n");
        }
        write(out, "\r\n");
        return out.toByteArray();
    }

    public static String checksum(ChecksumAlgorithm algorithm, byte[] payload) {
        ChecksumAlgorithm.Running running = algorithm.start();
        running.update(ByteBuffer.wrap(payload));
        return Base64.getEncoder().encodeToString(running.digest());
    }

    /** Feeds {@code body} in pieces of {@code piece} bytes, then finishes; returns the decoded bytes. */
    public static byte[] decode(PayloadVerifier verifier, byte[] body, int piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < body.length; off += piece) {
            ByteBuffer in = ByteBuffer.wrap(body, off, Math.min(piece, body.length - off));
            for (ByteBuffer data : verifier.update(in)) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                out.writeBytes(bytes);
            }
        }
        verifier.finish();
        return out.toByteArray();
    }

    private static String writeChunkHeader(
            ByteArrayOutputStream out, ChunkSigningContext context, String previous, byte[] chunk) {
        String header = Integer.toHexString(chunk.length);
        String signature = null;
        if (context != null) {
            signature = context.chunkSignature(previous, SigV4Signing.sha256Hex(chunk));
            header += ";chunk-signature=" + signature;
        }
        write(out, header + "\r\n");
        return signature;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
