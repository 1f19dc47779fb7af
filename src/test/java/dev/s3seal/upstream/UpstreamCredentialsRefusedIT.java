package dev.s3seal.upstream;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.FaultProxy.Fault;
import dev.s3seal.testsupport.LogCapture;
import dev.s3seal.testsupport.ProxyIntegrationTest;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * s3seal's own upstream credentials are wrong (a real S3Proxy behind a {@link FaultProxy}, which can
 * also answer as real S3 does). The upstream's refusal is about s3seal, not the client, whose signature
 * s3seal verified: the client gets s3seal's 503 ServiceUnavailable and never the upstream's document,
 * which on S3 names s3seal's key id and quotes its string to sign and canonical request (with the
 * session token). Set up like {@link ProxyIntegrationTest}, whose own upstream registration would win.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamCredentialsRefusedIT {

    private static final String WRONG_UPSTREAM_SECRET = "wrong-upstream-secret-4711";
    private static final FaultProxy upstream =
            FaultProxy.inFrontOf(S3ProxyServer.filesystemStore().endpoint());

    @LocalServerPort
    int port;

    private S3Client client;
    private LogCapture log;

    @DynamicPropertySource
    static void refusedCredentials(DynamicPropertyRegistry registry) throws IOException {
        registry.add("s3seal.upstream.endpoint", () -> upstream.endpoint().toString());
        registry.add("s3seal.upstream.access-key-id", () -> S3ProxyServer.ACCESS_KEY);
        registry.add("s3seal.upstream.secret-access-key", () -> WRONG_UPSTREAM_SECRET);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ProxyIntegrationTest.ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ProxyIntegrationTest.ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }

    @BeforeEach
    void setUp() {
        log = LogCapture.attach();
        client = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        S3Clients.credentials(ProxyIntegrationTest.ALICE_KEY, ProxyIntegrationTest.ALICE_SECRET))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void tearDown() {
        upstream.clear();
        client.close();
        log.close();
    }

    @Test
    void shouldAnswerServiceUnavailableAndLogTheCodeWhenTheUpstreamRefusesS3sealsSignature() {
        S3Exception put = catchThrowableOfType(
                S3Exception.class,
                () -> client.putObject(b -> b.bucket("refused").key("docs/a"), RequestBody.fromBytes(random(1000))));
        S3Exception get = catchThrowableOfType(
                S3Exception.class,
                () -> client.getObjectAsBytes(b -> b.bucket("refused").key("public/a")));

        assertThat(put.statusCode()).isEqualTo(503);
        assertThat(put.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(put.awsErrorDetails().errorMessage()).isEqualTo("The proxy's upstream credentials were refused.");
        assertS3sealsOwnRefusal(get); // the SDK keeps the raw error document of a GET, not of a PUT
        assertThat(log.messages())
                .anyMatch(line -> line.contains("refused s3seal's own credentials with SignatureDoesNotMatch"))
                .noneMatch(line -> line.contains(WRONG_UPSTREAM_SECRET));
    }

    @Test
    void shouldNeverRelayS3sealsKeyIdOrSigningMaterialWhenS3RefusesItsSignature() {
        upstream.inject(
                head -> head.is("GET", "/refused/"),
                Fault.answer(403, "application/xml", signatureDoesNotMatchAsS3SendsIt()),
                1);

        S3Exception refused = catchThrowableOfType(
                S3Exception.class,
                () -> client.getObjectAsBytes(b -> b.bucket("refused").key("docs/a")));

        assertThat(upstream.fired()).isPositive();
        assertS3sealsOwnRefusal(refused);
    }

    @Test
    void shouldStripS3sealsKeyIdFromAnUpstreamErrorItRelays() {
        upstream.inject(
                head -> head.is("GET", "/refused/"),
                Fault.answer(
                        403,
                        "application/xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                                + "<Message>Access Denied</Message><AWSAccessKeyId>" + S3ProxyServer.ACCESS_KEY
                                + "</AWSAccessKeyId><RequestId>R1</RequestId><HostId>H1</HostId></Error>"),
                1);

        S3Exception denied = catchThrowableOfType(
                S3Exception.class,
                () -> client.getObjectAsBytes(b -> b.bucket("refused").key("public/a")));

        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(denied.awsErrorDetails().rawResponse().asUtf8String())
                .doesNotContain(S3ProxyServer.ACCESS_KEY, "AWSAccessKeyId")
                .contains("<HostId>H1</HostId>");
    }

    private static void assertS3sealsOwnRefusal(S3Exception refused) {
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(refused.awsErrorDetails().errorMessage())
                .isEqualTo("The proxy's upstream credentials were refused.");
        String body = refused.awsErrorDetails().rawResponse().asUtf8String();
        assertThat(body)
                .doesNotContain(
                        S3ProxyServer.ACCESS_KEY,
                        WRONG_UPSTREAM_SECRET,
                        UpstreamErrorDocumentTest.TOKEN,
                        "StringToSign",
                        "CanonicalRequest",
                        "SignatureProvided");
    }

    /** S3's document for a wrong secret under session credentials: it quotes the security token. */
    private static String signatureDoesNotMatchAsS3SendsIt() {
        return UpstreamErrorDocumentTest.SIGNATURE_DOES_NOT_MATCH.replace(
                UpstreamErrorDocumentTest.KEY_ID, S3ProxyServer.ACCESS_KEY);
    }
}
