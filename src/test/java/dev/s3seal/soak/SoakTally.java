package dev.s3seal.soak;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** What the soak's clients did, shared by all of them: counts for the report, problems for the assertions. */
final class SoakTally {

    enum Op {
        PUT,
        GET,
        RANGED_GET,
        LIST,
        MULTIPART,
        COPY,
        DELETE
    }

    private final Map<Op, AtomicLong> succeeded = new ConcurrentHashMap<>();
    private final Map<Op, AtomicLong> failedByFault = new ConcurrentHashMap<>();
    private final AtomicLong objectsWritten = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final List<String> unexpectedErrors = new CopyOnWriteArrayList<>();
    private final List<String> wrongData = new CopyOnWriteArrayList<>();

    void succeeded(Op op) {
        succeeded.computeIfAbsent(op, o -> new AtomicLong()).incrementAndGet();
    }

    void failedByFault(Op op) {
        failedByFault.computeIfAbsent(op, o -> new AtomicLong()).incrementAndGet();
    }

    void wrote(long bytes) {
        objectsWritten.incrementAndGet();
        bytesWritten.addAndGet(bytes);
    }

    void read(long bytes) {
        bytesRead.addAndGet(bytes);
    }

    void unexpected(String what) {
        unexpectedErrors.add(what);
    }

    void wrongData(String what) {
        wrongData.add(what);
    }

    long operations() {
        return total(succeeded) + total(failedByFault) + unexpectedErrors.size();
    }

    long failedByFault() {
        return total(failedByFault);
    }

    long objectsWritten() {
        return objectsWritten.get();
    }

    List<String> unexpectedErrors() {
        return List.copyOf(unexpectedErrors);
    }

    List<String> wrongData() {
        return List.copyOf(wrongData);
    }

    String summary() {
        Map<Op, String> perOp = new TreeMap<>();
        for (Op op : Op.values()) {
            perOp.put(op, count(succeeded, op) + " ok/" + count(failedByFault, op) + " failed by a fault");
        }
        return "operations " + operations() + " " + perOp + ", objects written " + objectsWritten + " (" + bytesWritten
                + " bytes), bytes read " + bytesRead;
    }

    private static long count(Map<Op, AtomicLong> counts, Op op) {
        AtomicLong count = counts.get(op);
        return count == null ? 0 : count.get();
    }

    private static long total(Map<Op, AtomicLong> counts) {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
