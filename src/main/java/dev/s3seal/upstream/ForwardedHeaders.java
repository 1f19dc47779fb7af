package dev.s3seal.upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;

/**
 * Which headers cross s3seal in each direction. Hop-by-hop headers never cross; the client's own
 * signature, its payload framing and its trailer declarations stay behind, because s3seal
 * re-signs and re-frames what it sends.
 */
public final class ForwardedHeaders {

    /**
     * {@code Expect: 100-continue} crosses: the client's body streams upstream, so only the upstream
     * can tell whether it wants it; {@link UpstreamClient} holds the body back until it does.
     */
    public static final String EXPECT = "expect";

    /** RFC 9110 connection-specific headers. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");

    /**
     * The client's authentication and body framing (s3seal verified them and sends its own), and
     * {@code x-amz-mp-object-size}, a size assertion about what the client sent that does not hold
     * for what s3seal stores once bodies are encrypted (and that S3-compatible stores often reject).
     */
    private static final Set<String> CLIENT_ONLY = Set.of(
            "host",
            "authorization",
            "x-amz-date",
            "date",
            "x-amz-content-sha256",
            "x-amz-security-token",
            "x-amz-decoded-content-length",
            "x-amz-trailer",
            "content-length",
            "x-amz-mp-object-size");

    /**
     * Headers the policy reads (the copy source) or that must agree with what it read (the copy
     * range): never the client's spelling; the handler that forwards a copy writes them again from
     * s3seal's own parse, so the upstream copies exactly what was authorized.
     */
    private static final Set<String> REBUILT_FROM_PARSE = Set.of("x-amz-copy-source", "x-amz-copy-source-range");

    private ForwardedHeaders() {}

    /**
     * Headers to send upstream. {@code declaresTrailerChecksum}: the client announced a checksum
     * in the trailer, which s3seal verifies itself and does not forward, so the matching
     * {@code x-amz-sdk-checksum-algorithm} is dropped too (the upstream would wait for it).
     */
    public static Map<String, List<String>> toUpstream(
            Map<String, List<String>> clientHeaders, boolean declaresTrailerChecksum) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        clientHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || CLIENT_ONLY.contains(lower) || REBUILT_FROM_PARSE.contains(lower)) {
                return;
            }
            if (lower.equals(EXPECT)) {
                if (values.stream().anyMatch(v -> v.trim().equalsIgnoreCase("100-continue"))) {
                    out.put(EXPECT, List.of("100-continue"));
                }
                return;
            }
            if (declaresTrailerChecksum && lower.equals("x-amz-sdk-checksum-algorithm")) {
                return;
            }
            if (lower.equals("content-encoding")) {
                List<String> kept = withoutAwsChunked(values);
                if (!kept.isEmpty()) {
                    out.put(lower, kept);
                }
                return;
            }
            out.put(lower, values);
        });
        return out;
    }

    /** Upstream response headers to pass to the client: all but hop-by-hop ones. */
    public static void copyToClient(HttpHeaders upstream, HttpHeaders client) {
        // the underlying map, not HttpHeaders.forEach, which builds a case-insensitive name set per call:
        // a case variant of a name (possible only in a Netty-backed map) is put again with the same values
        upstream.asMultiValueMap().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !lower.equals(EXPECT) && !lower.equals("x-amz-request-id")) {
                client.put(name, values);
            }
        });
    }

    private static List<String> withoutAwsChunked(List<String> values) {
        return values.stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("aws-chunked"))
                .toList();
    }
}
