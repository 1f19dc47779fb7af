package dev.s3seal.soak;

import dev.s3seal.soak.KeyState.Held;
import dev.s3seal.soak.SoakTally.Op;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One soak client: a loop of random operations on its own keys (four under cse-local, two under
 * cse-kms), each sent to a random replica, then a read-back of every key through both replicas.
 * Owning its keys makes what each key holds knowable ({@link KeyState}) while 32 clients run at once;
 * the ledger of {@link RandomFaults} tells whether a failed call met an injected fault.
 */
final class SoakClient {

    private static final int MIB = 1024 * 1024;

    private final String token;
    private final List<S3Client> replicas;
    private final String bucket;
    private final RandomFaults faults;
    private final SoakTally tally;
    private final long maxSize;
    private final Random random;
    private final List<KeyState> keys = new ArrayList<>();

    SoakClient(int index, List<S3Client> replicas, String bucket, RandomFaults faults, SoakTally tally, long maxSize) {
        this.token = RandomFaults.token(index);
        this.replicas = replicas;
        this.bucket = bucket;
        this.faults = faults;
        this.tally = tally;
        this.maxSize = maxSize;
        this.random = new Random(index * 7919L + 17);
        for (int i = 0; i < 4; i++) {
            keys.add(new KeyState(token + "/k" + i));
        }
        for (int i = 4; i < 6; i++) {
            keys.add(new KeyState("kms/" + token + "/k" + i));
        }
    }

    /** Runs random operations until {@code until}. */
    void run(Instant until) {
        while (Instant.now().isBefore(until)) {
            int dice = random.nextInt(100);
            KeyState key = keys.get(random.nextInt(keys.size()));
            if (dice < 28) {
                put(key);
            } else if (dice < 48) {
                get(key);
            } else if (dice < 63) {
                rangedGet(key);
            } else if (dice < 73) {
                list();
            } else if (dice < 80) {
                multipart(key);
            } else if (dice < 92) {
                copyTo(key);
            } else {
                delete(key);
            }
        }
    }

    /** Final check, faults off: every key, through every replica, holds what was written. Returns bytes lost. */
    long verifyAll(Verification verification) {
        long lost = 0;
        for (KeyState key : keys) {
            for (S3Client replica : replicas) {
                try {
                    Held seen = check(key, readWhole(replica, key.key()));
                    verification.saw(seen);
                    if (seen == null) {
                        lost += largestPossible(key);
                    }
                } catch (RuntimeException | IOException e) {
                    tally.unexpected("read-back " + key + ": " + describe(e));
                    lost += largestPossible(key);
                }
            }
        }
        return lost;
    }

    private void put(KeyState key) {
        SeededContent content = new SeededContent(random.nextLong(), pickSize());
        boolean done = attempt(
                Op.PUT,
                key.key(),
                () -> replica()
                        .putObject(
                                b -> b.bucket(bucket).key(key.key()),
                                RequestBody.fromContentProvider(
                                        content::stream, content.size(), "application/octet-stream")));
        written(key, content, done);
    }

    private void get(KeyState key) {
        attempt(Op.GET, key.key(), () -> check(key, readWhole(replica(), key.key())));
    }

    private void rangedGet(KeyState key) {
        Optional<SeededContent> certain = key.certainContent().filter(content -> content.size() > 0);
        if (certain.isEmpty()) {
            get(key); // a read settles what the key holds
            return;
        }
        SeededContent content = certain.get();
        long first = random.nextLong(content.size());
        long last = first + random.nextLong(Math.min(content.size() - first, 3L * MIB));
        String range = switch (random.nextInt(3)) {
            case 0 -> "bytes=" + first + "-" + last;
            case 1 -> "bytes=" + first + "-";
            default -> "bytes=-" + (content.size() - first);
        };
        long to = range.endsWith("-") || range.startsWith("bytes=-") ? content.size() : last + 1;
        attempt(Op.RANGED_GET, key.key() + " " + range, () -> {
            try (ResponseInputStream<GetObjectResponse> in =
                    replica().getObject(b -> b.bucket(bucket).key(key.key()).range(range))) {
                Body body = Body.of(in);
                tally.read(body.length());
                if (body.length() != to - first || !content.matches(body.sha256(), first, to)) {
                    tally.wrongData(
                            key + " " + range + ": " + body.length() + " bytes, not bytes " + first + "-" + (to - 1));
                }
                return true;
            }
        });
    }

    private void list() {
        String prefix = random.nextBoolean() ? token + "/" : "kms/" + token + "/";
        attempt(Op.LIST, prefix, () -> {
            List<S3Object> listed = replica()
                    .listObjectsV2(b -> b.bucket(bucket).prefix(prefix))
                    .contents();
            for (KeyState key : keys) {
                if (key.key().startsWith(prefix) && !key.mayBe(KeyState.PENDING_SEAL)) {
                    Optional<S3Object> entry = listed.stream()
                            .filter(o -> o.key().equals(key.key()))
                            .findFirst();
                    boolean fits = entry.isEmpty()
                            ? key.mayBe(KeyState.ABSENT)
                            : key.possibleContents().stream()
                                    .anyMatch(c -> c.size() == entry.get().size());
                    if (!fits) {
                        tally.wrongData("listing of " + key + " shows "
                                + entry.map(S3Object::size).orElse(-1L));
                    }
                }
            }
            return true;
        });
    }

    private void multipart(KeyState key) {
        SeededContent content = new SeededContent(random.nextLong(), 1 + random.nextLong(maxSize));
        long partSize = content.size() > 80L * MIB ? 16L * MIB : 5L * MIB;
        boolean[] completing = {false};
        String[] uploadId = {null};
        boolean done = attempt(Op.MULTIPART, key.key(), () -> {
            uploadId[0] = replica()
                    .createMultipartUpload(b -> b.bucket(bucket).key(key.key()))
                    .uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (long from = 0, number = 1; from < content.size(); from += partSize, number++) {
                long to = Math.min(content.size(), from + partSize);
                int part = (int) number;
                long start = from;
                String etag = replicas.get(part % 2)
                        .uploadPart(
                                b -> b.bucket(bucket)
                                        .key(key.key())
                                        .uploadId(uploadId[0])
                                        .partNumber(part),
                                RequestBody.fromContentProvider(
                                        () -> content.stream(start, to), to - start, "application/octet-stream"))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            completing[0] = true;
            return replica()
                    .completeMultipartUpload(b -> b.bucket(bucket)
                            .key(key.key())
                            .uploadId(uploadId[0])
                            .multipartUpload(m -> m.parts(parts)));
        });
        if (done) {
            key.written(content);
            tally.wrote(content.size());
            return;
        }
        if (completing[0]) {
            key.completionFailed(content);
        }
        if (uploadId[0] != null) {
            abortQuietly(key.key(), uploadId[0]);
        }
    }

    private void copyTo(KeyState target) {
        List<KeyState> sources = keys.stream()
                .filter(k -> k != target && k.certainContent().isPresent())
                .toList();
        if (sources.isEmpty()) {
            put(target);
            return;
        }
        KeyState source = sources.get(random.nextInt(sources.size()));
        SeededContent content = source.certainContent().orElseThrow();
        boolean done = attempt(
                Op.COPY,
                source.key() + " -> " + target.key(),
                () -> replica()
                        .copyObject(b -> b.sourceBucket(bucket)
                                .sourceKey(source.key())
                                .destinationBucket(bucket)
                                .destinationKey(target.key())));
        written(target, content, done);
    }

    private void delete(KeyState key) {
        boolean done = attempt(
                Op.DELETE,
                key.key(),
                () -> replica().deleteObject(b -> b.bucket(bucket).key(key.key())));
        if (done) {
            key.written(KeyState.ABSENT);
        } else {
            key.writeFailed(KeyState.ABSENT);
        }
    }

    private void written(KeyState key, SeededContent content, boolean done) {
        if (done) {
            key.written(content);
            tally.wrote(content.size());
        } else {
            key.writeFailed(content);
        }
    }

    /** Mostly small bodies, some empty, a few up to the bound. */
    private long pickSize() {
        int dice = random.nextInt(100);
        if (dice < 10) {
            return 0;
        } else if (dice < 45) {
            return 1 + random.nextInt(4096);
        } else if (dice < 75) {
            return 1 + random.nextInt(256 * 1024);
        } else if (dice < 93) {
            return 1 + random.nextLong(Math.min(maxSize, 2L * MIB));
        }
        return 1 + random.nextLong(maxSize);
    }

    /**
     * Runs one client call. A failure is allowed only when a fault hit this client's requests while
     * the call ran and the failure is what a fault may cause (a 503 or a broken connection);
     * anything else is an unexpected error.
     */
    private boolean attempt(Op op, String what, Callable<?> call) {
        int faultsBefore = faults.firedFor(token);
        try {
            call.call();
            tally.succeeded(op);
            return true;
        } catch (Exception e) {
            if (faults.firedFor(token) > faultsBefore && isFaultOutcome(e)) {
                tally.failedByFault(op);
            } else {
                tally.unexpected(op + " " + what + ": " + describe(e));
            }
            return false;
        }
    }

    private static boolean isFaultOutcome(Exception e) {
        if (e instanceof S3Exception s3) {
            return s3.statusCode() == 503;
        }
        return e instanceof SdkClientException || e instanceof IOException || e instanceof UncheckedIOException;
    }

    /** Checks a read against what the key may hold; returns what it held, or null when it held something else. */
    private Held check(KeyState key, Read read) {
        Held seen = read.held()
                .orElseGet(() -> key.possibleContents().stream()
                        .filter(c -> c.size() == read.body().length()
                                && Arrays.equals(c.sha256(), read.body().sha256()))
                        .findFirst()
                        .orElse(null));
        if (seen == null || !key.mayBe(seen)) {
            tally.wrongData(key + " read " + read);
            return null;
        }
        key.observed(seen);
        return seen;
    }

    private Read readWhole(S3Client replica, String key) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in =
                replica.getObject(b -> b.bucket(bucket).key(key))) {
            Body body = Body.of(in);
            tally.read(body.length());
            return new Read(Optional.empty(), body);
        } catch (NoSuchKeyException absent) {
            return new Read(Optional.of(KeyState.ABSENT), null);
        } catch (S3Exception refused) {
            if (refused.statusCode() == 403
                    && refused.awsErrorDetails() != null
                    && "InvalidObjectState".equals(refused.awsErrorDetails().errorCode())) {
                return new Read(Optional.of(KeyState.PENDING_SEAL), null);
            }
            throw refused;
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            replica().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException cleanupOnly) {
            // the upload may be completed already, or the abort met a fault: an open upload is no object
        }
    }

    private S3Client replica() {
        return replicas.get(random.nextInt(replicas.size()));
    }

    private static long largestPossible(KeyState key) {
        return key.possibleContents().stream()
                .mapToLong(SeededContent::size)
                .max()
                .orElse(0);
    }

    private static String describe(Throwable e) {
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
            return s3.statusCode() + " " + s3.awsErrorDetails().errorCode() + " " + s3.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** A read's outcome: a body, or a marker (absent, pending its seal). */
    private record Read(Optional<Held> held, Body body) {}

    /** A body read to its end: its length and SHA-256. */
    private record Body(long length, byte[] sha256) {
        static Body of(InputStream in) throws IOException {
            MessageDigest sha = SeededContent.sha256Digest();
            byte[] buffer = new byte[65_536];
            long length = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                length += n;
            }
            return new Body(length, sha.digest());
        }

        @Override
        public String toString() {
            return length + " bytes, sha256 " + HexFormat.of().formatHex(sha256);
        }
    }

    /** Counts of the final read-back, over all clients. */
    static final class Verification {
        private final AtomicLong objects = new AtomicLong();
        private final AtomicLong absent = new AtomicLong();
        private final AtomicLong pending = new AtomicLong();

        void saw(Held held) {
            if (held instanceof SeededContent) {
                objects.incrementAndGet();
            } else if (held instanceof KeyState.Absent) {
                absent.incrementAndGet();
            } else if (held instanceof KeyState.PendingSeal) {
                pending.incrementAndGet();
            }
        }

        long objects() {
            return objects.get();
        }

        @Override
        public String toString() {
            return "reads that matched what was written " + objects + ", absent as expected " + absent
                    + ", pending and refused as expected " + pending;
        }
    }
}
