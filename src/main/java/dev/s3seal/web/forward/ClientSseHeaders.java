package dev.s3seal.web.forward;

import dev.s3seal.policy.Mode;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.SseCVariant;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides, for every mode and every operation, whether a client's own
 * server-side encryption headers may reach the upstream (docs/policy.md, option
 * {@code allow-client-sse-headers}). Checked once per request by the gateway, before any handler
 * runs, so no handler forwards what the policy refuses:
 * <ul>
 * <li>{@code passthrough} adds nothing to what the store does: the client's headers go as they are;</li>
 * <li>headers that are the mode's own input are not a client's choice: SSE-C under {@code sse-c}
 *     pass-through and emulated, and under {@code sse-s3} / {@code sse-kms} exactly the headers the
 *     rule injects anyway;</li>
 * <li>every other {@code x-amz-server-side-encryption*} header is refused with {@code 400 InvalidArgument}
 *     unless the rule allows client SSE headers;</li>
 * <li>a copy's {@code x-amz-copy-source-server-side-encryption-customer-*} headers describe the source,
 *     so the source's rule judges them the same way;</li>
 * <li>a copy s3seal makes itself (a side client-side or emulated) takes SSE-C headers for its emulated
 *     sides and refuses them for the others ({@code CopyCustomerKeys}, {@code EncryptedCopyHandler}): they
 *     never go upstream there, so they are left to it.</li>
 * </ul>
 * Handlers that make upstream calls of their own (a multipart completion, a seal's self-copy) carry
 * the allowed SSE-C headers with {@link CustomerKeyHeaders#carried}.
 */
public final class ClientSseHeaders {

    public static final String SSE = "x-amz-server-side-encryption";

    private ClientSseHeaders() {}

    /** Refuses the request when it carries SSE headers its rules do not let the client choose. */
    public static void check(S3Request request, PolicyDecision decision, PolicyDecision copySource) {
        Map<String, String> required = decision.mode() == Mode.SSE_S3 || decision.mode() == Mode.SSE_KMS
                ? ServerSideEncryptionHandler.requiredHeaders(decision)
                : Map.of();
        boolean copiedByS3seal = copySource != null && (decision.encryptsBody() || copySource.encryptsBody());
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (copiedByS3seal && isCustomerKey(name)) {
                // s3seal's own copy takes SSE-C for emulated sides and refuses it for the others; never forwarded
                continue;
            }
            if (name.startsWith(CustomerKeyHeaders.COPY_SOURCE_PREFIX)) {
                if (copySource != null && !allowed(copySource, name, header.getValue(), Map.of())) {
                    throw refused(name);
                }
            } else if (name.startsWith(SSE) && !allowed(decision, name, header.getValue(), required)) {
                throw refused(name);
            }
        }
    }

    private static boolean allowed(
            PolicyDecision decision, String name, List<String> values, Map<String, String> required) {
        if (decision.mode() == Mode.PASSTHROUGH
                || decision.mode() == Mode.DENY
                || decision.options().allowClientSseHeaders()) {
            return true;
        }
        if (isCustomerKey(name) && decision.mode() == Mode.SSE_C && decision.sseCVariant() != SseCVariant.INJECT) {
            return true;
        }
        return values.size() == 1
                && required.containsKey(name)
                && required.get(name).equals(values.get(0).trim());
    }

    private static boolean isCustomerKey(String name) {
        return name.startsWith(CustomerKeyHeaders.PREFIX) || name.startsWith(CustomerKeyHeaders.COPY_SOURCE_PREFIX);
    }

    private static S3Exception refused(String header) {
        return new S3Exception(
                S3ErrorCode.INVALID_ARGUMENT,
                "The policy sets server-side encryption for this object; remove " + header + ".");
    }
}
