package dev.s3seal.upstream;

import dev.s3seal.auth.CanonicalRequest;
import dev.s3seal.auth.SigV4Signing;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Signs upstream requests with SigV4 (header form), always with {@code UNSIGNED-PAYLOAD}: bodies are
 * streamed, so their hash is unknown when the headers leave. Integrity of what s3seal sends is
 * carried by Content-MD5 / checksums and by TLS.
 *
 * <p>It signs what the AWS SDK's signer signs (every header but the hop-by-hop ones it skips, the
 * path as encoded once, the query sorted), checked against that signer by {@code UpstreamSignerTest};
 * it is s3seal's own because it runs for every request: it reuses the canonical form the verifier
 * of client signatures uses and derives the signing key once a day instead of four HMACs a request.
 */
public final class UpstreamSigner {

    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final String SERVICE = "s3";
    /** Not signed, as by the AWS SDK: a proxy or the client library may change them on the way. */
    private static final Set<String> NOT_SIGNED = Set.of("connection", "x-amzn-trace-id", "user-agent", "expect");

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String region;
    private final Clock clock;
    private volatile @Nullable SigningKey lastKey;
    private volatile @Nullable AmzDate lastDate;

    public UpstreamSigner(String region) {
        this(region, Clock.systemUTC());
    }

    UpstreamSigner(String region, Clock clock) {
        this.region = region;
        this.clock = clock;
    }

    /** {@code request} with {@code x-amz-date}, {@code x-amz-content-sha256}, the session token if any, and Authorization. */
    public SdkHttpRequest sign(SdkHttpRequest request, AwsCredentialsIdentity credentials) {
        String amzDate = amzDate(clock.instant().getEpochSecond());
        String date = amzDate.substring(0, 8);
        SdkHttpRequest.Builder builder = request.toBuilder()
                .putHeader("Host", hostHeader(request))
                .putHeader("x-amz-date", amzDate)
                .putHeader("x-amz-content-sha256", UNSIGNED_PAYLOAD);
        if (credentials instanceof AwsSessionCredentialsIdentity session) {
            builder.putHeader("x-amz-security-token", session.sessionToken());
        }
        Map<String, List<String>> headers = signedHeaders(builder.headers());
        String canonical = CanonicalRequest.of(
                request.method().name(),
                request.encodedPath().isEmpty() ? "/" : request.encodedPath(),
                canonicalQuery(request.rawQueryParameters()),
                headers,
                UNSIGNED_PAYLOAD);
        String scope = SigV4Signing.scope(date, region, SERVICE);
        String signature = SigV4Signing.signHex(
                signingKey(credentials, date).key(), SigV4Signing.stringToSign(amzDate, scope, canonical));
        return builder.putHeader(
                        "Authorization",
                        SigV4Signing.ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                                + ", SignedHeaders=" + String.join(";", headers.keySet())
                                + ", Signature=" + signature)
                .build();
    }

    /** x-amz-date of this second, formatted once a second rather than once a request. */
    private String amzDate(long epochSecond) {
        AmzDate last = lastDate;
        if (last == null || last.epochSecond() != epochSecond) {
            last = new AmzDate(epochSecond, AMZ_DATE.format(Instant.ofEpochSecond(epochSecond)));
            lastDate = last;
        }
        return last.text();
    }

    private record AmzDate(long epochSecond, String text) {}

    /** The signing key of {@code date}, derived again only when the day or the credentials change. */
    private SigningKey signingKey(AwsCredentialsIdentity credentials, String date) {
        SigningKey key = lastKey;
        if (key == null || !key.matches(credentials, date)) {
            key = new SigningKey(
                    credentials.accessKeyId(),
                    credentials.secretAccessKey(),
                    date,
                    SigV4Signing.signingKey(credentials.secretAccessKey(), date, region, SERVICE));
            lastKey = key;
        }
        return key;
    }

    private record SigningKey(String accessKeyId, String secret, String date, byte[] key) {
        boolean matches(AwsCredentialsIdentity credentials, String today) {
            return date.equals(today)
                    && accessKeyId.equals(credentials.accessKeyId())
                    && secret.equals(credentials.secretAccessKey());
        }
    }

    /** Lower-case names in order, each with its values as sent. */
    private static Map<String, List<String>> signedHeaders(Map<String, List<String>> headers) {
        Map<String, List<String>> signed = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_SIGNED.contains(lower)) {
                signed.computeIfAbsent(lower, n -> new ArrayList<>()).addAll(values);
            }
        });
        return signed;
    }

    /** Names and values encoded once, as they go on the wire, sorted by name and then value. */
    private static String canonicalQuery(Map<String, List<String>> parameters) {
        List<String> pairs = new ArrayList<>();
        parameters.forEach((name, values) -> {
            String encodedName = SdkHttpUtils.urlEncode(name);
            for (String value : values) {
                pairs.add(encodedName + "=" + SdkHttpUtils.urlEncode(value == null ? "" : value));
            }
        });
        pairs.sort(UpstreamSigner::byNameThenValue);
        return String.join("&", pairs);
    }

    private static int byNameThenValue(String a, String b) {
        int aName = a.indexOf('=');
        int bName = b.indexOf('=');
        int byName = a.substring(0, aName).compareTo(b.substring(0, bName));
        return byName != 0 ? byName : a.substring(aName + 1).compareTo(b.substring(bName + 1));
    }

    private static String hostHeader(SdkHttpRequest request) {
        int port = request.port();
        boolean defaultPort = port < 0
                || ("http".equals(request.protocol()) && port == 80)
                || ("https".equals(request.protocol()) && port == 443);
        return defaultPort ? request.host() : request.host() + ":" + port;
    }
}
