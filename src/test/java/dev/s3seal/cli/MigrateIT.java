package dev.s3seal.cli;

import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_KEY;
import static dev.s3seal.testsupport.ProxyIntegrationTest.ALICE_SECRET;
import static dev.s3seal.testsupport.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.cli.migrate.BucketMigrator;
import dev.s3seal.cli.migrate.MigrateReport;
import dev.s3seal.cli.support.BucketTools;
import dev.s3seal.cli.support.ExitCodes;
import dev.s3seal.cli.support.ToolEnvironment;
import dev.s3seal.testsupport.CommitTimeConditionsUpstream;
import dev.s3seal.testsupport.S3Clients;
import dev.s3seal.testsupport.S3ProxyServer;
import dev.s3seal.testsupport.TestPolicies;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@code migrate} on a bucket written before s3seal (directly in S3Proxy's filesystem store): plaintext objects with
 * content headers and user metadata, an empty one, a 6 MiB one (single PUT) and a 12 MiB one (multipart rewrite),
 * one under a cse-kms rule, one under passthrough, one already encrypted through the proxy, while a client keeps
 * writing through the proxy to some of the same keys. The steps are docs/migration.md's: dry run (changes nothing),
 * migrate, verify, rerun (does nothing). Clients write some of the same keys meanwhile, through the proxy and
 * around it, each one last just before migrate's write of it. Afterwards every client's last write is what reads back, every
 * object the policy encrypts is ciphertext at rest, and every other object reads back byte for byte with its headers.
 *
 * <p>S3Proxy checks {@code If-Match} before it reads a write's body; AWS S3 checks it when the write commits. The
 * proxy and migrate reach S3Proxy through {@link CommitTimeConditionsUpstream}, which gives S3Proxy S3's behaviour
 * (docs/migration.md says what is left on a store that checks early).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MigrateIT {

    private static final CommitTimeConditionsUpstream upstream = CommitTimeConditionsUpstream.inFrontOf(
            S3ProxyServer.filesystemStore().endpoint());
    private static final int MIB = 1024 * 1024;
    private static final String MAGIC = "S3SL";

    @LocalServerPort
    int port;

    @Autowired
    private Environment environment;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        upstream.registerAsUpstream(registry);
        registry.add("s3seal.clients[0].name", () -> "alice");
        registry.add("s3seal.clients[0].access-key-id", () -> ALICE_KEY);
        registry.add("s3seal.clients[0].secret-access-key", () -> ALICE_SECRET);
        registry.add("management.server.port", () -> "0");
        registry.add("s3seal.ops.upstream-probe-interval", () -> "0");
        TestPolicies.register(
                registry,
                List.of(
                        "  - name: public",
                        "    key-prefixes: [public/]",
                        "    mode: passthrough",
                        "  - name: kms",
                        "    key-prefixes: [kms/]",
                        "    mode: cse-kms",
                        "    key: kms-main",
                        "  - name: default",
                        "    mode: cse-local",
                        "    key: master",
                        "    options:",
                        "      allow-unencrypted-reads: true"));
    }

    /** One object as it was stored before s3seal. */
    private record Legacy(
            byte[] body,
            String contentType,
            Map<String, String> metadata,
            String cacheControl,
            String contentDisposition) {}

    private String bucket;
    private S3Client client;
    private S3Client direct;

    @BeforeEach
    void setUp() {
        bucket = "mig-" + UUID.randomUUID().toString().substring(0, 12);
        client = S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
        direct = S3ProxyServer.filesystemStore().directClient();
        client.createBucket(b -> b.bucket(bucket));
        upstream.beforeWrite((line, head) -> {});
    }

    @AfterEach
    void tearDown() {
        upstream.beforeWrite((line, head) -> {});
        client.close();
        direct.close();
    }

    @Test
    void shouldEncryptTheMixedBucketInPlaceWithoutLosingAClientsConcurrentWrites() throws Exception {
        Map<String, Legacy> legacy = plantLegacyObjects();
        byte[] already = random(3000, 99);
        client.putObject(b -> b.bucket(bucket).key("enc/already.bin"), RequestBody.fromBytes(already));
        List<String> hotKeys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = "hot/k-" + i;
            hotKeys.add(key);
            direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(random(2000 + i, i)));
        }
        Map<String, String> storedEtags = storedEtags();
        Map<String, HeadObjectResponse> heads = new LinkedHashMap<>();
        legacy.keySet()
                .forEach(key ->
                        heads.put(key, direct.headObject(b -> b.bucket(bucket).key(key))));

        // 1. dry run: lists, changes nothing
        CliRun dryRun = migrate("--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.out() + dryRun.err()).isZero();
        assertThat(dryRun.out().lines().filter(l -> l.startsWith("would migrate ")))
                .hasSize(legacy.size() - 1 + hotKeys.size());
        assertThat(dryRun.out()).contains("skipped 2 (already-encrypted 1, rule-passthrough 1)");
        assertThat(storedEtags()).isEqualTo(storedEtags);

        // 2. migrate while clients keep writing the hot keys, over and over: through the proxy (encrypted) and, in
        //    turn, straight to the store (plaintext, a client not moved to s3seal yet). When migrate's write of a hot
        //    key arrives (it has read the key already), the clients write that key one last time, just before it:
        //    that last write must be what reads back at the end
        Map<String, byte[]> lastWritten = new ConcurrentHashMap<>();
        Map<String, Boolean> finalWritten = new ConcurrentHashMap<>();
        Map<String, Object> keyLocks = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();
        CountDownLatch writing = new CountDownLatch(1);
        S3Client throughProxy = S3Clients.sync(URI.create("http://127.0.0.1:" + port), ALICE_KEY, ALICE_SECRET);
        S3Client aroundProxy = S3Clients.sync(upstream.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        java.util.function.BiConsumer<String, Integer> write = (key, round) -> {
            byte[] body = (key + " round " + round + " ")
                    .repeat(20 + Math.abs(round) % 7)
                    .getBytes(StandardCharsets.UTF_8);
            S3Client writerClient = (round + hotKeys.indexOf(key)) % 2 == 0 ? throughProxy : aroundProxy;
            writerClient.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
            lastWritten.put(key, body);
            writes.incrementAndGet();
        };
        upstream.beforeWrite((line, head) -> {
            String lower = head.toLowerCase(java.util.Locale.ROOT);
            for (String key : hotKeys) {
                if (line.startsWith("PUT /" + bucket + "/" + key + " ") && isMigratesWrite(lower)) {
                    synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
                        if (finalWritten.putIfAbsent(key, true) == null) {
                            write.accept(key, -1 - hotKeys.indexOf(key));
                        }
                    }
                }
            }
        });
        Thread writer = new Thread(
                () -> {
                    try {
                        for (int round = 0; !stop.get(); round++) {
                            for (String key : hotKeys) {
                                synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
                                    if (!finalWritten.containsKey(key)) {
                                        write.accept(key, round);
                                    }
                                }
                                writing.countDown();
                            }
                        }
                    } catch (Throwable failure) {
                        writerFailure.set(failure);
                    }
                },
                "concurrent-client");
        writer.start();
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        CliRun run;
        try {
            run = migrate("--concurrency", "4");
        } finally {
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            upstream.beforeWrite((line, head) -> {});
            throughProxy.close();
            aroundProxy.close();
        }
        // the hot keys a client wrote last through the proxy were skipped as encrypted; the plaintext ones were raced
        assertThat(finalWritten)
                .as("hot keys with a write between migrate's read and its write")
                .isNotEmpty();
        assertThat(writerFailure.get()).as("the client's writes").isNull();
        assertThat(run.exitCode()).as(run.out() + run.err()).isIn(ExitCodes.OK, ExitCodes.OBJECTS_FAILED);
        assertThat(run.out().lines().filter(line -> line.startsWith("FAILED ")))
                .as("only objects that changed during each attempt may fail")
                .allMatch(line -> line.startsWith("FAILED kept-changing s3://" + bucket + "/hot/"));
        for (String key : legacy.keySet()) {
            if (!key.startsWith("public/")) {
                assertThat(run.out()).contains("migrated s3://" + bucket + "/" + key + " (");
            }
        }
        // the runbook's next step: run again once the writes stopped, for what was written around s3seal meanwhile
        CliRun again = migrate();
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();

        // no write lost: the client's last write is what reads back, and it is encrypted at rest
        for (String key : hotKeys) {
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .as(key)
                    .isEqualTo(lastWritten.get(key));
            assertEncryptedAtRest(key);
        }
        // every other object: encrypted at rest (but passthrough), byte for byte and with its headers through the proxy
        for (Map.Entry<String, Legacy> entry : legacy.entrySet()) {
            String key = entry.getKey();
            Legacy before = entry.getValue();
            ResponseBytes<GetObjectResponse> read =
                    client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            assertThat(read.asByteArray()).as(key).isEqualTo(before.body());
            // the headers the store answered before migrating (it normalises some, e.g. "text/plain;charset=utf-8")
            HeadObjectResponse stored = heads.get(key);
            assertThat(read.response().contentType())
                    .as(key)
                    .isEqualTo(stored.contentType())
                    .isNotNull();
            assertThat(read.response().metadata())
                    .as(key)
                    .isEqualTo(before.metadata())
                    .isEqualTo(stored.metadata());
            assertThat(read.response().cacheControl())
                    .as(key)
                    .isEqualTo(stored.cacheControl())
                    .isEqualTo(before.cacheControl());
            assertThat(read.response().contentDisposition())
                    .as(key)
                    .isEqualTo(stored.contentDisposition())
                    .isEqualTo(before.contentDisposition());
            assertThat(read.response().contentLength()).as(key).isEqualTo(before.body().length);
            if (key.startsWith("public/")) {
                assertThat(storedBytes(key)).isEqualTo(before.body());
                assertThat(direct.headObject(b -> b.bucket(bucket).key(key)).eTag())
                        .isEqualTo(storedEtags.get(key));
            } else {
                assertEncryptedAtRest(key);
            }
            if (!key.startsWith("big/large")) {
                // a single-part object keeps the ETag clients saw: its MD5, checked and sealed into the envelope
                assertThat(read.response().eTag()).as(key).isEqualTo(storedEtags.get(key));
            }
        }
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("enc/already.bin"))
                        .asByteArray())
                .isEqualTo(already);
        assertThat(direct.headObject(b -> b.bucket(bucket).key("enc/already.bin"))
                        .eTag())
                .as("already encrypted: not rewritten")
                .isEqualTo(storedEtags.get("enc/already.bin"));
        assertThat(direct.headObject(b -> b.bucket(bucket).key("big/large.bin")).eTag())
                .as("a multipart rewrite")
                .endsWith("-3\"");

        // 3. verify authenticates every object
        CliRun verify = CliRun.with(proxyProperties(), "verify", "--bucket", bucket);
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("failed 0", "passthrough 1");

        // 4. a rerun does nothing
        Map<String, String> migrated = storedEtags();
        CliRun rerun = migrate();
        assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
        assertThat(rerun.out()).contains("migrated 0 (0 bytes)");
        assertThat(rerun.out().lines()).as("only the summary: no object line").hasSize(1);
        assertThat(storedEtags()).isEqualTo(migrated);
    }

    @Test
    void shouldNotOverwriteAWriteThatLandsBetweenTheReadAndTheRewrite() {
        byte[] old = random(5000, 7);
        direct.putObject(b -> b.bucket(bucket).key("race/doc.bin"), RequestBody.fromBytes(old));
        byte[] clientsWrite = random(4000, 8);
        AtomicBoolean fired = new AtomicBoolean();
        // the moment migrate's encrypted PUT arrives (it read the old body already), a client writes the key
        upstream.beforeWrite((line, head) -> {
            if (line.startsWith("PUT /" + bucket + "/race/doc.bin ")
                    && isMigratesWrite(head.toLowerCase(java.util.Locale.ROOT))
                    && fired.compareAndSet(false, true)) {
                client.putObject(b -> b.bucket(bucket).key("race/doc.bin"), RequestBody.fromBytes(clientsWrite));
            }
        });

        CliRun run = migrate();

        assertThat(fired).isTrue();
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .as("examined again, it is the client's encrypted write")
                .contains("already-encrypted 1");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("race/doc.bin"))
                        .asByteArray())
                .isEqualTo(clientsWrite);
    }

    @Test
    void shouldMigrateAPlaintextWriteThatLandsBetweenTheReadAndTheRewriteOnTheNextLook() {
        direct.putObject(b -> b.bucket(bucket).key("race/plain.bin"), RequestBody.fromBytes(random(5000, 9)));
        byte[] newer = random(6000, 10);
        AtomicBoolean fired = new AtomicBoolean();
        // someone writing around s3seal, straight to the store, while migrate is about to write
        upstream.beforeWrite((line, head) -> {
            if (line.startsWith("PUT /" + bucket + "/race/plain.bin ") && fired.compareAndSet(false, true)) {
                direct.putObject(b -> b.bucket(bucket).key("race/plain.bin"), RequestBody.fromBytes(newer));
            }
        });

        CliRun run = migrate();

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("migrated 1 (6000 bytes)");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("race/plain.bin"))
                        .asByteArray())
                .isEqualTo(newer);
        assertEncryptedAtRest("race/plain.bin");
    }

    @Test
    void shouldNotCompleteAMultipartRewriteOverAWriteMadeWhileItsPartsWereUploaded() {
        direct.putObject(b -> b.bucket(bucket).key("race/large.bin"), RequestBody.fromBytes(random(9 * MIB, 11)));
        byte[] clientsWrite = random(7000, 12);
        AtomicBoolean fired = new AtomicBoolean();
        // the parts are uploaded; as migrate's CompleteMultipartUpload arrives, a client writes the key
        upstream.beforeWrite((line, head) -> {
            if (line.startsWith("POST /" + bucket + "/race/large.bin?uploadId=") && fired.compareAndSet(false, true)) {
                client.putObject(b -> b.bucket(bucket).key("race/large.bin"), RequestBody.fromBytes(clientsWrite));
            }
        });

        CliRun run = migrate();

        assertThat(fired).isTrue();
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("already-encrypted 1");
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("race/large.bin"))
                        .asByteArray())
                .isEqualTo(clientsWrite);
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("the rewrite's upload aborted")
                .isEmpty();
    }

    /**
     * Migrate's PutObject of a plaintext object whose ETag is its MD5: the envelope with the sealed MD5 already in it
     * ({@code s3seal-h}). The proxy's PutObject from the SDK (no Content-MD5) has none; its seal is a self-copy.
     */
    @Test
    void shouldStopCleanlyWhenInterruptedAndResumeOnRerun() {
        Map<String, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String key = String.format("many/%02d.bin", i);
            byte[] data = random(1000 + i, 40 + i);
            direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            written.put(key, data);
        }

        MigrateReport stopped;
        AtomicInteger seen = new AtomicInteger();
        try (BucketTools tools = BucketTools.open(ToolEnvironment.of(proxyProperties()))) {
            BucketMigrator migrator = new BucketMigrator(tools, null, false, 8 * MIB, 5 * MIB);
            stopped = migrator.migrate(
                    bucket,
                    "",
                    false,
                    2,
                    verdict -> {
                        if (seen.incrementAndGet() == 5) {
                            migrator.stop(); // what Ctrl-C does
                        }
                    },
                    started -> {});
        }

        assertThat(stopped.objects()).isLessThan(24).isGreaterThanOrEqualTo(5);
        assertThat(stopped.summary()).contains("STOPPED before the end");
        // every object is either untouched plaintext or wholly migrated: nothing half-written
        written.forEach((key, data) -> {
            byte[] stored = storedBytes(key);
            if (!java.util.Arrays.equals(stored, data)) {
                assertEncryptedAtRest(key);
            }
        });

        CliRun rerun = migrate();
        assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
        assertThat(rerun.out()).contains("24 objects; migrated " + (24 - stopped.objects()));
        written.forEach((key, data) -> {
            assertEncryptedAtRest(key);
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                    .as(key)
                    .isEqualTo(data);
        });
    }

    /**
     * migrate's own write of a key: sealed MD5 in its metadata and pinned with If-Match to what it read (a client's
     * PUT through the proxy also carries the sealed MD5 when it is held whole, but never an If-Match here).
     */
    private static boolean isMigratesWrite(String lowerCaseHead) {
        return lowerCaseHead.contains("\r\nx-amz-meta-s3seal-h:")
                && lowerCaseHead.contains("\r\nif-match:")
                && !lowerCaseHead.contains("\r\nx-amz-copy-source:");
    }

    private Map<String, Legacy> plantLegacyObjects() {
        Map<String, Legacy> objects = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            objects.put(
                    "docs/note-" + i + ".txt",
                    new Legacy(
                            ("note " + i + "\n").repeat(100 * i + 1).getBytes(StandardCharsets.UTF_8),
                            "text/plain; charset=utf-8",
                            Map.of("owner", "team-" + i, "source", "legacy"),
                            "max-age=" + (60 * i),
                            "attachment; filename=\"note-" + i + ".txt\""));
        }
        objects.put("docs/empty", new Legacy(new byte[0], "application/octet-stream", Map.of(), null, null));
        objects.put(
                "big/medium.bin",
                new Legacy(random(6 * MIB + 123, 1), "application/x-medium", Map.of("size", "6m"), null, null));
        objects.put(
                "big/large.bin",
                new Legacy(random(12 * MIB + 4567, 2), "video/mp4", Map.of("size", "12m"), "no-cache", null));
        objects.put("kms/report.csv", new Legacy(random(70_000, 3), "text/csv", Map.of("dept", "finance"), null, null));
        objects.put(
                "public/readme.txt",
                new Legacy("hello, world\n".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of(), null, null));
        objects.forEach((key, object) -> direct.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .contentType(object.contentType())
                        .metadata(object.metadata())
                        .cacheControl(object.cacheControl())
                        .contentDisposition(object.contentDisposition()),
                RequestBody.fromBytes(object.body())));
        return objects;
    }

    private void assertEncryptedAtRest(String key) {
        byte[] stored = storedBytes(key);
        assertThat(new String(stored, 0, 4, StandardCharsets.US_ASCII))
                .as(key + " at rest")
                .isEqualTo(MAGIC);
        HeadObjectResponse head = direct.headObject(b -> b.bucket(bucket).key(key));
        assertThat(head.metadata()).as(key).containsKey("s3seal-v");
        if (head.eTag().contains("-")) {
            assertThat(head.metadata()).as(key).doesNotContainKey("s3seal-f");
        } else {
            // the stream header's copy that makes a ranged read one request (docs/format.md 4.1)
            assertThat(head.metadata())
                    .as(key)
                    .containsEntry("s3seal-f", Base64.getEncoder().encodeToString(Arrays.copyOf(stored, 91)));
        }
    }

    private byte[] storedBytes(String key) {
        return direct.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
    }

    /** Every object's ETag straight from the store: what changes when anything is rewritten. */
    private Map<String, String> storedEtags() {
        Map<String, String> etags = new LinkedHashMap<>();
        direct.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> etags.put(o.key(), o.eTag()));
        return etags;
    }

    private CliRun migrate(String... options) {
        List<String> args = new ArrayList<>(List.of(
                "migrate",
                "--bucket",
                bucket,
                "--multipart-threshold",
                Integer.toString(8 * MIB),
                "--part-size",
                Integer.toString(5 * MIB)));
        args.addAll(Arrays.asList(options));
        return CliRun.with(proxyProperties(), args.toArray(String[]::new));
    }

    /** The proxy's own configuration, as the tool reads it (its upstream is the relay). */
    private Map<String, String> proxyProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String name : List.of(
                "s3seal.policy",
                "s3seal.upstream.endpoint",
                "s3seal.upstream.access-key-id",
                "s3seal.upstream.secret-access-key",
                "s3seal.kms.endpoint",
                "s3seal.kms.region",
                "s3seal.kms.access-key-id",
                "s3seal.kms.secret-access-key")) {
            properties.put(name, environment.getRequiredProperty(name));
        }
        return properties;
    }
}
