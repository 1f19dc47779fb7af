package dev.s3seal.web.forward;

import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.exchange.S3OperationHandler;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * Writes under sse-s3 and sse-kms: the upstream encrypts, s3seal makes sure it is asked to, with
 * the rule's key. A client's own, different SSE headers are refused unless the rule allows them
 * ({@link ClientSseHeaders}, for every operation).
 */
public final class ServerSideEncryptionHandler implements S3OperationHandler {

    private static final String SSE = "x-amz-server-side-encryption";
    private static final String SSE_KEY = "x-amz-server-side-encryption-aws-kms-key-id";
    private static final String SSE_CONTEXT = "x-amz-server-side-encryption-context";
    private static final String SSE_BUCKET_KEY = "x-amz-server-side-encryption-bucket-key-enabled";

    private final ForwardHandler forward;

    public ServerSideEncryptionHandler(ForwardHandler forward) {
        this.forward = forward;
    }

    @Override
    public Mono<Void> handle(ProxyExchange exchange) {
        // the client's own SSE headers were judged by ClientSseHeaders before the handler ran
        Map<String, String> required = requiredHeaders(exchange.decision());
        Map<String, List<String>> clientHeaders = exchange.request().headers();
        Map<String, List<String>> headers = new LinkedHashMap<>(clientHeaders);
        required.forEach((name, value) -> headers.put(name, List.of(value)));
        return forward.handle(exchange, headers);
    }

    public static Map<String, String> requiredHeaders(PolicyDecision decision) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (decision.mode() == Mode.SSE_S3) {
            headers.put(SSE, "AES256");
            return headers;
        }
        headers.put(SSE, "aws:kms");
        if (decision.key().orElse(null) instanceof KeyDefinition.KmsKey kms) {
            headers.put(SSE_KEY, kms.keyId());
            if (!kms.encryptionContext().isEmpty()) {
                headers.put(SSE_CONTEXT, Base64.getEncoder().encodeToString(json(kms.encryptionContext())));
            }
            if (kms.bucketKey()) {
                headers.put(SSE_BUCKET_KEY, "true");
            }
        }
        return headers;
    }

    private static byte[] json(Map<String, String> context) {
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(context).forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(quote(k)).append(':').append(quote(v));
        });
        return out.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
