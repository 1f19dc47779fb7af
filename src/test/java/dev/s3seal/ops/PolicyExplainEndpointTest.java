package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0", "s3seal.upstream.endpoint=http://127.0.0.1:1",
            "s3seal.clients[0].access-key-id=a", "s3seal.clients[0].secret-access-key=b"
        })
class PolicyExplainEndpointTest {

    private static final Path POLICY = policyFile();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int s3Port;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) {
        registry.add("s3seal.policy", POLICY::toString);
    }

    private static Path policyFile() {
        try {
            Path file = Files.createTempFile("policy", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                    keys:
                      kms: {type: kms, key-id: alias/k}
                    rules:
                      - name: secrets
                        buckets: data
                        key-prefixes: secret/
                        mode: deny
                      - name: etl
                        principals: etl
                        mode: sse-kms
                        key: kms
                      - name: default
                        mode: sse-s3
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldExplainDecisionWhenAskedOnManagementPort() throws Exception {
        HttpResponse<String> response =
                get(managementPort, "/policy/explain?principal=etl&bucket=data&key=reports/a.csv&operation=write");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body())
                .contains("\"rule\":\"etl\"", "\"mode\":\"sse-kms\"", "\"key\":\"kms\"", "\"line\":8")
                .contains("\"skipped\":[{")
                .contains("key 'reports/a.csv' matches none of key-prefixes [secret/]")
                .contains("\"reason\":\"rule 'etl' (" + POLICY + ":8) matched: principal 'etl'\"");
    }

    @Test
    void shouldAnswerDenyRuleWhenKeyIsUnderDeniedPrefix() throws Exception {
        HttpResponse<String> response =
                get(managementPort, "/policy/explain?principal=etl&bucket=data&key=secret%2Fx&operation=read");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"rule\":\"secrets\"", "\"mode\":\"deny\"", "\"skipped\":[]");
    }

    @Test
    void shouldRefuseWithJsonErrorWhenOperationIsMissingOrUnknown() throws Exception {
        HttpResponse<String> missing = get(managementPort, "/policy/explain?bucket=data");
        HttpResponse<String> unknown = get(managementPort, "/policy/explain?bucket=data&operation=copy");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("\"error\":\"missing parameter 'operation'");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"error\":\"unknown operation 'copy'");
    }

    @Test
    void shouldNotServeExplainWhenAskedOnS3Port() throws Exception {
        HttpResponse<String> response = get(s3Port, "/policy/explain?principal=etl&bucket=data&key=k&operation=write");

        assertThat(response.statusCode()).isNotEqualTo(200);
        assertThat(response.body()).contains("<Error>").doesNotContain("\"rule\"");
    }
}
