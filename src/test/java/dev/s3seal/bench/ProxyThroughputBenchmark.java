package dev.s3seal.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Throughput of one large PutObject and GetObject through s3seal versus directly against the same
 * upstream, with the AWS SDK v2 sync client in its default configuration (path-style, us-east-1).
 * Not a test: run by {@code scripts/bench-throughput}, which starts S3Proxy and s3seal as separate
 * processes and passes their endpoints and credentials as system properties:
 * <pre>
 *   -Dbench.direct.endpoint=http://127.0.0.1:P -Dbench.direct.accessKey=.. -Dbench.direct.secretKey=..
 *   -Dbench.s3seal.endpoint=http://127.0.0.1:Q -Dbench.s3seal.accessKey=.. -Dbench.s3seal.secretKey=..
 *   [-Dbench.sizeMiB=256] [-Dbench.runs=3] [-Dbench.warmups=2] [-Dbench.order=direct,s3seal]
 *   [-Dbench.bucket=bench]
 * </pre>
 * First untimed warm-up PUT+GET rounds over all targets (JIT in client, s3seal and S3Proxy); then for
 * each target: N x (PUT the object from a temp file, GET it back into a discarding sink), each
 * timed; then one untimed GET whose SHA-256 must equal the file's. Prints MiB/s per run, medians and
 * the ratio s3seal/direct.
 */
public final class ProxyThroughputBenchmark {

    private static final int MIB = 1024 * 1024;

    private record Target(String name, S3Client client, String[] payloadMode) {}

    public static void main(String[] args) throws Exception {
        int sizeMiB = Integer.getInteger("bench.sizeMiB", 256);
        int runs = Integer.getInteger("bench.runs", 3);
        int warmups = Integer.getInteger("bench.warmups", 2);
        String bucket = System.getProperty("bench.bucket", "bench");
        long size = (long) sizeMiB * MIB;

        Path file = Files.createTempFile("s3seal-bench", ".bin");
        try {
            String expectedSha256 = writeRandomFile(file, size);
            System.out.printf("object: %d MiB (%d bytes), sha256 %s%n", sizeMiB, size, expectedSha256);

            // Order matters on a small machine: the second target meets a warmer upstream and client JIT.
            boolean s3sealFirst = "s3seal,direct".equals(System.getProperty("bench.order", "direct,s3seal"));
            List<Target> targets = s3sealFirst
                    ? List.of(target("s3seal"), target("direct"))
                    : List.of(target("direct"), target("s3seal"));
            int direct = s3sealFirst ? 1 : 0;
            int seal = 1 - direct;
            targets.get(0).client().createBucket(b -> b.bucket(bucket));

            // Warm every target up before measuring any, so neither meets a colder JIT than the other
            // (client, s3seal and S3Proxy all keep getting faster over the first GiB or so).
            for (int w = 0; w < warmups; w++) {
                for (Target target : targets) {
                    String key = "bench-" + target.name() + ".bin";
                    double warmPut = timePut(target.client(), bucket, key, file, size);
                    double warmGet = timeGet(target.client(), bucket, key, size);
                    System.out.printf(
                            "%-6s warm-up (not counted): PUT %8.1f MiB/s   GET %8.1f MiB/s%n",
                            target.name(), warmPut, warmGet);
                }
            }

            double[][] put = new double[targets.size()][runs];
            double[][] get = new double[targets.size()][runs];
            for (int t = 0; t < targets.size(); t++) {
                Target target = targets.get(t);
                String key = "bench-" + target.name() + ".bin";
                for (int r = 0; r < runs; r++) {
                    put[t][r] = timePut(target.client(), bucket, key, file, size);
                    get[t][r] = timeGet(target.client(), bucket, key, size);
                    System.out.printf(
                            "%-6s run %d: PUT %8.1f MiB/s   GET %8.1f MiB/s%n",
                            target.name(), r + 1, put[t][r], get[t][r]);
                }
                String actual = sha256OfGet(target.client(), bucket, key, size);
                if (!actual.equals(expectedSha256)) {
                    throw new IllegalStateException(
                            target.name() + ": GET returned sha256 " + actual + ", expected " + expectedSha256);
                }
                System.out.printf(
                        "%-6s GET sha256 matches the file; SDK PUT x-amz-content-sha256: %s%n",
                        target.name(), target.payloadMode()[0]);
            }

            System.out.println();
            System.out.println("summary (MiB/s; median [min..max] of " + runs + " runs)");
            for (int t = 0; t < targets.size(); t++) {
                System.out.printf("%-6s PUT %s   GET %s%n", targets.get(t).name(), describe(put[t]), describe(get[t]));
            }
            System.out.printf(
                    "ratio s3seal/direct (medians): PUT %.2f   GET %.2f%n",
                    median(put[seal]) / median(put[direct]), median(get[seal]) / median(get[direct]));

            for (Target target : targets) {
                target.client().deleteObject(d -> d.bucket(bucket).key("bench-" + target.name() + ".bin"));
                target.client().close();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Target target(String name) {
        String endpoint = required("bench." + name + ".endpoint");
        String[] payloadMode = {"(not seen)"};
        ExecutionInterceptor recordPayloadMode = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest) {
                    context.httpRequest()
                            .firstMatchingHeader("x-amz-content-sha256")
                            .ifPresent(v -> payloadMode[0] = v);
                }
            }
        };
        S3Client client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        required("bench." + name + ".accessKey"), required("bench." + name + ".secretKey"))))
                .overrideConfiguration(c -> c.addExecutionInterceptor(recordPayloadMode))
                .build();
        return new Target(name, client, payloadMode);
    }

    private static double timePut(S3Client client, String bucket, String key, Path file, long size) {
        long start = System.nanoTime();
        client.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromFile(file));
        return mibPerSecond(size, System.nanoTime() - start);
    }

    private static double timeGet(S3Client client, String bucket, String key, long size) throws IOException {
        long start = System.nanoTime();
        long read;
        try (ResponseInputStream<GetObjectResponse> in =
                client.getObject(g -> g.bucket(bucket).key(key))) {
            read = in.transferTo(OutputStream.nullOutputStream());
        }
        long elapsed = System.nanoTime() - start;
        if (read != size) {
            throw new IllegalStateException("GET " + key + " returned " + read + " bytes, expected " + size);
        }
        return mibPerSecond(size, elapsed);
    }

    private static String sha256OfGet(S3Client client, String bucket, String key, long size) throws IOException {
        MessageDigest digest = sha256();
        long read = 0;
        try (InputStream in = client.getObject(g -> g.bucket(bucket).key(key))) {
            byte[] buffer = new byte[MIB];
            for (int n; (n = in.read(buffer)) != -1; read += n) {
                digest.update(buffer, 0, n);
            }
        }
        if (read != size) {
            throw new IllegalStateException("GET " + key + " returned " + read + " bytes, expected " + size);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Incompressible bytes (a seeded PRNG), so no layer can shortcut the transfer. */
    private static String writeRandomFile(Path file, long size) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(42);
        byte[] chunk = new byte[MIB];
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return (bytes / (double) MIB) / (nanos / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String describe(double[] values) {
        double min = java.util.Arrays.stream(values).min().orElse(Double.NaN);
        double max = java.util.Arrays.stream(values).max().orElse(Double.NaN);
        List<String> each = new ArrayList<>();
        for (double v : values) {
            each.add(String.format("%.1f", v));
        }
        return String.format("%7.1f [%.1f..%.1f] (%s)", median(values), min, max, String.join(", ", each));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing -D" + property);
        }
        return value;
    }
}
