package dev.s3seal.web.ssec;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * S3 refuses SSE-C requests (a customer key in {@code x-amz-server-side-encryption-customer-*} or
 * {@code x-amz-copy-source-server-side-encryption-customer-*} headers) made over plain HTTP, because
 * the key would cross the network in clear. s3seal does the same on its S3 port, with one explicit
 * exemption: when the S3 listener is bound to a loopback address only ({@code server.address}
 * 127.0.0.1, ::1 or localhost, the sidecar setup), plain HTTP never leaves the pod or host.
 */
public final class SseCTransportGuard {

    public static final String MESSAGE =
            "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.";

    /** Refuses nothing: for a listener that is loopback-only. */
    public static final SseCTransportGuard OFF = new SseCTransportGuard(false);

    private final boolean enforced;

    private SseCTransportGuard(boolean enforced) {
        this.enforced = enforced;
    }

    /**
     * The guard for an S3 listener bound to {@code serverAddress} ({@code server.address}; empty or
     * null means every interface): enforced unless that address is a loopback address.
     */
    public static SseCTransportGuard forListener(String serverAddress) {
        return loopbackOnly(serverAddress) ? OFF : new SseCTransportGuard(true);
    }

    /** Whether a listener bound to {@code serverAddress} can only be reached from this host. */
    public static boolean loopbackOnly(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(serverAddress.trim());
            return address.isLoopbackAddress();
        } catch (UnknownHostException unresolvable) {
            return false;
        }
    }

    public boolean enforced() {
        return enforced;
    }

    /** Throws S3's InvalidRequest when a plain-HTTP request carries SSE-C headers and the guard is enforced. */
    public void check(ServerHttpRequest request, Map<String, List<String>> lowerCaseHeaders) {
        if (!enforced || request.getSslInfo() != null) {
            return;
        }
        for (String name : lowerCaseHeaders.keySet()) {
            if (name.startsWith("x-amz-server-side-encryption-customer-")
                    || name.startsWith("x-amz-copy-source-server-side-encryption-customer-")) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, MESSAGE);
            }
        }
    }
}
