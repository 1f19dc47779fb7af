package dev.s3seal.web.forward;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.policy.Operation;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.policy.PolicyEngine;
import dev.s3seal.policy.file.PolicyParser;
import dev.s3seal.s3.QueryParameters;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Request;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** allow-client-sse-headers, decided in one place for every mode (docs/policy.md, Client SSE headers). */
class ClientSseHeadersTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(PolicyParser.parse("""
            keys:
              kms: {type: kms, key-id: alias/k}
              master:
                type: local
                versions: [{version: 1, env: M1}]
            rules:
              - {name: s3, buckets: sse-s3, mode: sse-s3}
              - {name: kms, buckets: sse-kms, mode: sse-kms, key: kms}
              - {name: ssec, buckets: ssec, mode: sse-c}
              - {name: emulated, buckets: emulated, mode: sse-c, variant: emulated}
              - name: cse-allowed
                buckets: cse-allowed
                mode: cse-local
                key: master
                options: {allow-client-sse-headers: true}
              - {name: cse, buckets: cse, mode: cse-local, key: master}
              - {name: default, mode: passthrough}
            """, "policy.yaml"));

    private static final Map<String, List<String>> SSE_C = Map.of(
            "x-amz-server-side-encryption-customer-algorithm", List.of("AES256"),
            "x-amz-server-side-encryption-customer-key", List.of("a2V5"),
            "x-amz-server-side-encryption-customer-key-md5", List.of("bWQ1"));
    private static final Map<String, List<String>> SSE_S3 = Map.of("x-amz-server-side-encryption", List.of("AES256"));
    private static final Map<String, List<String>> SSE_KMS = Map.of(
            "x-amz-server-side-encryption",
            List.of("aws:kms"),
            "x-amz-server-side-encryption-aws-kms-key-id",
            List.of("other"));

    @Test
    void shouldRefuseEveryClientSseHeaderUnderAClientSideRuleUnlessItAllowsThem() {
        for (Map<String, List<String>> headers : List.of(SSE_C, SSE_S3, SSE_KMS)) {
            assertRefused(request("cse", headers), write("cse"), null);
            assertAllowed(request("cse-allowed", headers), write("cse-allowed"), null);
        }
    }

    @Test
    void shouldForwardEverythingUnderPassthrough() {
        for (Map<String, List<String>> headers : List.of(SSE_C, SSE_S3, SSE_KMS)) {
            assertAllowed(request("plain", headers), write("plain"), null);
        }
    }

    @Test
    void shouldTakeTheModesOwnHeadersAndRefuseOtherChoices() {
        assertAllowed(request("sse-s3", SSE_S3), write("sse-s3"), null);
        assertRefused(request("sse-s3", SSE_KMS), write("sse-s3"), null);
        assertRefused(request("sse-kms", SSE_KMS), write("sse-kms"), null); // another key than the rule's
        assertAllowed(request("ssec", SSE_C), write("ssec"), null);
        assertRefused(request("ssec", SSE_S3), write("ssec"), null);
        assertAllowed(request("emulated", SSE_C), write("emulated"), null);
        assertRefused(request("emulated", SSE_KMS), write("emulated"), null);
        assertRefused(request("sse-s3", SSE_C), write("sse-s3"), null);
    }

    @Test
    void shouldJudgeACopySourcesCustomerKeyByTheSourcesRule() {
        Map<String, List<String>> sourceKey = new LinkedHashMap<>();
        SSE_C.forEach((name, values) -> sourceKey.put(
                name.replace("x-amz-server-side-encryption-customer-", CustomerKeyHeaders.COPY_SOURCE_PREFIX), values));
        assertAllowed(request("sse-s3", sourceKey), write("sse-s3"), read("ssec"));
        assertRefused(request("sse-s3", sourceKey), write("sse-s3"), read("sse-kms"));
        // a copy s3seal makes itself decides on SSE-C there (and never forwards it)
        assertAllowed(request("cse", sourceKey), write("cse"), read("emulated"));
    }

    private static S3Request request(String bucket, Map<String, List<String>> headers) {
        return new S3Request("PUT", "/" + bucket + "/k", null, bucket, "k", QueryParameters.empty(), headers);
    }

    private static PolicyDecision write(String bucket) {
        return ENGINE.decide("app", bucket, "k", Operation.WRITE);
    }

    private static PolicyDecision read(String bucket) {
        return ENGINE.decide("app", bucket, "k", Operation.READ);
    }

    private static void assertRefused(S3Request request, PolicyDecision decision, PolicyDecision source) {
        assertThatThrownBy(() -> ClientSseHeaders.check(request, decision, source))
                .as("%s under %s", request.headers().keySet(), decision.rule().name())
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.errorCode())
                                .isEqualTo(S3ErrorCode.INVALID_ARGUMENT));
    }

    private static void assertAllowed(S3Request request, PolicyDecision decision, PolicyDecision source) {
        assertThatCode(() -> ClientSseHeaders.check(request, decision, source))
                .as("%s under %s", request.headers().keySet(), decision.rule().name())
                .doesNotThrowAnyException();
    }
}
