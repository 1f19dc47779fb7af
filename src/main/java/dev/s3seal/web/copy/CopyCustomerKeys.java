package dev.s3seal.web.copy;

import dev.s3seal.keys.ObjectKeys;
import dev.s3seal.keys.customer.CustomerKeyProvider;
import dev.s3seal.policy.PolicyDecision;
import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import dev.s3seal.s3.S3Operation;
import dev.s3seal.web.envelope.CustomerKeyHeaders;
import dev.s3seal.web.exchange.ProxyExchange;
import dev.s3seal.web.ssec.EmulatedSseCKeys;
import java.util.Arrays;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * The customer keys of a copy with an {@code sse-c} emulated side, as S3 takes them for SSE-C
 * copies: the source's in {@code x-amz-copy-source-server-side-encryption-customer-*}, the
 * destination's in {@code x-amz-server-side-encryption-customer-*}. Each side's data keys then come
 * from its own key ({@link EmulatedSseCKeys}); a side s3seal does not emulate SSE-C for uses the
 * policy's keys. {@link #close()} wipes both keys.
 */
public final class CopyCustomerKeys implements AutoCloseable {

    private final CustomerKeyProvider source;
    private final CustomerKeyProvider destination;
    private final String destinationMd5;

    private CopyCustomerKeys(CustomerKeyProvider source, CustomerKeyProvider destination, String destinationMd5) {
        this.source = source;
        this.destination = destination;
        this.destinationMd5 = destinationMd5;
    }

    /**
     * Reads and checks both keys (as S3 checks them): a destination under {@code sse-c} emulated
     * needs its key; a side that is not emulated must not name one (the upstream never sees them).
     */
    static CopyCustomerKeys of(ProxyExchange exchange) {
        boolean sourceEmulated = exchange.copySourceDecision().emulatesSseC();
        boolean destinationEmulated = exchange.decision().emulatesSseC();
        if (!destinationEmulated && CustomerKeyHeaders.present(exchange.request(), CustomerKeyHeaders.PREFIX)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The destination's policy does not encrypt with a "
                            + "customer key (sse-c): send no x-amz-server-side-encryption-customer-* headers for it.");
        }
        CustomerKeyProvider sourceKey =
                sourceEmulated ? provider(CustomerKeyHeaders.readCopySource(exchange.request())) : null;
        try {
            byte[] key = destinationEmulated ? CustomerKeyHeaders.read(exchange.request()) : null;
            String md5 = key == null ? null : CustomerKeyHeaders.md5Of(key);
            CustomerKeyProvider destinationKey = provider(key);
            if (destinationEmulated && destinationKey == null) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        exchange.operation() == S3Operation.UPLOAD_PART_COPY
                                ? EmulatedSseCKeys.KEY_FOR_UPLOADS
                                : EmulatedSseCKeys.KEY_FOR_WRITES);
            }
            return new CopyCustomerKeys(sourceKey, destinationKey, md5);
        } catch (RuntimeException refused) {
            if (sourceKey != null) {
                sourceKey.close();
            }
            throw refused;
        }
    }

    private static CustomerKeyProvider provider(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return new CustomerKeyProvider(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The keys that open the source: its customer key when it is emulated, else the policy's. */
    ObjectKeys sourceKeys(PolicyDecision decision, ObjectKeys policyKeys) {
        return decision.emulatesSseC() ? new EmulatedSseCKeys(source, policyKeys) : policyKeys;
    }

    /** The keys that write the destination (or open its multipart upload's data key). */
    ObjectKeys destinationKeys(PolicyDecision decision, ObjectKeys policyKeys) {
        return decision.emulatesSseC() ? new EmulatedSseCKeys(destination, policyKeys) : policyKeys;
    }

    /** As S3: a successful copy to an SSE-C destination names its algorithm and key MD5 (never the key). */
    void echoDestination(ServerHttpResponse response) {
        if (destinationMd5 != null) {
            EmulatedSseCKeys.echoOnSuccess(response, destinationMd5);
        }
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
        if (destination != null) {
            destination.close();
        }
    }
}
