package dev.s3seal.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault-injecting front for the real moto KMS that enforces what moto does not: a <em>disabled</em> key refuses
 * every cryptographic operation. Moto records DisableKey (DescribeKey says {@code Disabled}) but still decrypts
 * under the key; AWS KMS answers {@code DisabledException}. Requests naming a key disabled here (Decrypt by the key id
 * inside moto's ciphertext blob, Encrypt and GenerateDataKey by their {@code KeyId}) get that answer; everything else
 * is forwarded to moto unchanged.
 */
public final class KmsKeyStateGate implements AutoCloseable {

    private static final Pattern KEY_ID = Pattern.compile("\"KeyId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern BLOB = Pattern.compile("\"CiphertextBlob\"\\s*:\\s*\"([^\"]+)\"");
    /** Moto's ciphertext blob starts with the 36-character key id. */
    private static final int MOTO_KEY_ID_LENGTH = 36;

    private static final Set<String> NOT_FORWARDED =
            Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

    private final HttpServer server;
    private final URI target;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();

    private KmsKeyStateGate(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "kms-key-state-gate");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** A gate in front of the shared moto, started. */
    public static KmsKeyStateGate inFrontOfMoto() {
        try {
            return new KmsKeyStateGate(MotoServer.get().endpoint());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Disables the key in moto (so DescribeKey says so) and here (so it refuses to work); {@code names} are the other
     * names requests may use for it (ARN, {@code alias/...}).
     */
    public void disable(String keyId, String... names) {
        MotoServer.get().admin().disableKey(b -> b.keyId(keyId)).join();
        disabled.add(keyId);
        disabled.addAll(List.of(names));
    }

    /** Enables the key again, in moto and here. */
    public void enable(String keyId, String... names) {
        MotoServer.get().admin().enableKey(b -> b.keyId(keyId)).join();
        disabled.remove(keyId);
        List.of(names).forEach(disabled::remove);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String named = namedKey(new String(body, StandardCharsets.UTF_8));
            if (named != null && disabled.contains(named)) {
                byte[] refusal = ("{\"__type\":\"DisabledException\",\"message\":\"" + named + " is disabled.\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(400, refusal.length);
                exchange.getResponseBody().write(refusal);
                return;
            }
            forward(exchange, body);
        }
    }

    /** The key a request names: the key id inside a Decrypt's blob, else its KeyId. */
    private static String namedKey(String json) {
        Matcher blob = BLOB.matcher(json);
        if (blob.find()) {
            byte[] decoded = Base64.getDecoder().decode(blob.group(1));
            return decoded.length < MOTO_KEY_ID_LENGTH
                    ? null
                    : new String(decoded, 0, MOTO_KEY_ID_LENGTH, StandardCharsets.UTF_8);
        }
        Matcher keyId = KEY_ID.matcher(json);
        return keyId.find() ? keyId.group(1) : null;
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException(interrupted);
        }
        byte[] answer = response.body().readAllBytes();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }
}
