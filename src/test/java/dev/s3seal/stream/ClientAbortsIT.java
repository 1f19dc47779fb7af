package dev.s3seal.stream;

import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.testsupport.LeakRecorder;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.StandardPolicyIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Clients that go away at every stage of an upload (after the headers, the first byte, the middle,
 * all but the last byte) and of a download (the same stages of the response), closing or resetting
 * their connection, under an encrypting mode and under passthrough: no object is created at the
 * upstream, s3seal finishes every request (none left in progress), no Netty buffer leaks (the
 * paranoid leak detector), and the next client is served normally.
 */
class ClientAbortsIT extends StandardPolicyIntegrationTest {

    private static final int SIZE = 1_000_000;
    private static final List<Long> STAGES = List.of(0L, 1L, SIZE / 2L, SIZE - 1L);

    @LocalManagementPort
    int managementPort;

    @Test
    void shouldCreateNothingAndLeakNothingWhenClientsAbortUploadsAndDownloadsAtEveryStage() throws Exception {
        LeakRecorder.collectLeaks(); // leaks of earlier classes are theirs
        String bucket = newBucket();
        byte[] data = random(SIZE, 1);
        int aborts = 0;
        try (S3Client client = alice();
                S3Presigner presigner = S3Clients.presigner(endpoint(), ALICE_KEY, ALICE_SECRET)) {
            for (String prefix : List.of("docs/", "public/")) {
                String stored = prefix + "stored";
                client.putObject(b -> b.bucket(bucket).key(stored), RequestBody.fromBytes(data));
                URL get = presigner
                        .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                                .getObjectRequest(g -> g.bucket(bucket).key(stored)))
                        .url();
                for (long sent : STAGES) {
                    for (boolean reset : List.of(false, true)) {
                        String key = prefix + "aborted-" + sent + (reset ? "-reset" : "-closed");
                        URL put = presigner
                                .presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                                        .putObjectRequest(r -> r.bucket(bucket).key(key)))
                                .url();
                        abortUpload(put, data, sent, reset);
                        abortDownload(get, sent, reset);
                        aborts += 2;
                    }
                }
                awaitNoRequestInProgress();
                try (S3Client direct = store().directClient()) {
                    assertThat(direct.listObjectsV2(b -> b.bucket(bucket).prefix(prefix))
                                    .contents())
                            .extracting(S3Object::key)
                            .containsExactly(stored);
                }
                assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(stored))
                                .asByteArray())
                        .isEqualTo(data);
            }
        }
        List<String> leaks = LeakRecorder.collectLeaks();
        System.out.println("ClientAbortsIT: client aborts " + aborts + ", leaked buffers " + leaks.size());
        assertThat(leaks).isEmpty();
    }

    /** Sends the headers and {@code sent} body bytes of a PUT declaring the whole length, then goes away. */
    private void abortUpload(URL put, byte[] data, long sent, boolean reset) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + put.getFile() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: "
                            + data.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, (int) sent);
            out.flush();
            goAway(socket, reset);
        }
    }

    /** Reads the response head and {@code read} body bytes of a GET, then goes away. */
    private void abortDownload(URL get, long read, boolean reset) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET " + get.getFile() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            int lastFour = 0;
            while (lastFour != 0x0D0A0D0A) {
                int b = in.read();
                assertThat(b).as("response head").isNotNegative();
                lastFour = (lastFour << 8) | b;
            }
            in.readNBytes((int) read);
            goAway(socket, reset);
        }
    }

    private static void goAway(Socket socket, boolean reset) throws IOException {
        if (reset) {
            socket.setSoLinger(true, 0);
        }
        socket.close();
    }

    /** s3seal has ended every aborted request (its in-progress gauge is back to zero). */
    private void awaitNoRequestInProgress() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        double active = -1;
        while (Instant.now().isBefore(deadline)) {
            String scrape = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            active = scrape.lines()
                    .filter(l -> l.startsWith("s3seal_requests_active"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
            if (active == 0) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(active).as("requests still in progress").isZero();
    }
}
