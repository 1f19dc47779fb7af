package dev.s3seal.web.ssec;

import dev.s3seal.keys.KeyProvider;
import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.WrappedKey;
import dev.s3seal.keys.customer.CustomerKeyProvider;
import dev.s3seal.policy.KeyDefinition;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * The data keys of one {@code sse-c} emulated request: new objects under the customer key the
 * request brings; existing objects under that key if they were stored with one, and S3's
 * InvalidRequest when the request's key and the object's encryption do not go together.
 */
public final class EmulatedSseCKeys implements ObjectKeys {

    public static final String KEY_FOR_WRITES =
            "The policy requires Server Side Encryption with a customer provided key "
                    + "(x-amz-server-side-encryption-customer-algorithm, -key and -key-MD5) for this object.";

    public static final String KEY_FOR_UPLOADS = "The multipart upload was created using a form of Server Side "
            + "Encryption.  The correct parameters must be provided.";

    /** As S3: a successful SSE-C response names the algorithm and the MD5 of the key (never the key). */
    public static void echoOnSuccess(ServerHttpResponse response, String keyMd5) {
        response.beforeCommit(() -> Mono.fromRunnable(() -> {
            HttpStatusCode status = response.getStatusCode();
            if (status != null && status.is2xxSuccessful()) {
                response.getHeaders().set(CustomerKeyHeaders.ALGORITHM, CustomerKeyHeaders.AES256);
                response.getHeaders().set("x-amz-server-side-encryption-customer-key-MD5", keyMd5);
            }
        }));
    }

    static final String KEY_REQUIRED = "The object was stored using a form of Server Side Encryption.  "
            + "The correct parameters must be provided to retrieve the object.";

    private final CustomerKeyProvider customerKey;
    private final ObjectKeys policyKeys;

    /** @param customerKey the request's key, or null when it sent none */
    public EmulatedSseCKeys(CustomerKeyProvider customerKey, ObjectKeys policyKeys) {
        this.customerKey = customerKey;
        this.policyKeys = policyKeys;
    }

    @Override
    public KeyProvider writer(Optional<KeyDefinition> ruleKey) {
        if (customerKey == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, KEY_FOR_WRITES);
        }
        return customerKey;
    }

    @Override
    public KeyProvider reader(WrappedKey wrapped) {
        if (CustomerKeyProvider.PROVIDER.equals(wrapped.provider())) {
            if (customerKey == null) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, KEY_REQUIRED);
            }
            return customerKey;
        }
        if (customerKey != null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "The encryption parameters are not applicable to this object.");
        }
        // an object an earlier rule encrypted with a policy key (migration to sse-c)
        return policyKeys.reader(wrapped);
    }

    /** A HEAD with the wrong key (or none) is refused as S3 refuses it, so the key is always checked. */
    @Override
    public boolean openOnEveryRead() {
        return true;
    }

    @Override
    public Map<String, String> legacyContextFor(String keyId) {
        return CustomerKeyProvider.KEY_ID.equals(keyId) ? Map.of() : policyKeys.legacyContextFor(keyId);
    }
}
