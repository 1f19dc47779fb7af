package dev.s3seal.soak;

import dev.s3seal.testsupport.FaultProxy;
import dev.s3seal.testsupport.FaultProxy.Fault;
import dev.s3seal.testsupport.FaultProxy.RequestHead;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Arms a {@link FaultProxy} with faults that fire at random on the soak's upstream requests, and
 * keeps a ledger of which client each fault hit. Every soak client's keys (and listing prefixes)
 * carry its token ({@code soakc07x}), and a client runs one operation at a time, so a client call
 * that fails is explained by an injected fault exactly when the ledger moved for its token while
 * the call ran. Requests without a token (bucket setup, probes) are never faulted.
 */
final class RandomFaults {

    private static final Pattern TOKEN = Pattern.compile("soakc\\d+x");
    private static final long MID_BODY = 32 * 1024;

    /** Faults by kind, for the report. */
    private final Map<String, AtomicInteger> byKind = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> byToken = new ConcurrentHashMap<>();
    private volatile boolean enabled;

    static String token(int client) {
        return String.format(Locale.ROOT, "soakc%02dx", client);
    }

    /**
     * Each request of a soak client meets at most one fault; the chances add up to about 5%: the
     * connection reset before the request reached the store, reset mid-upload, the answer lost
     * after the store did the work, the download cut in the middle, and S3's 503 SlowDown.
     */
    void arm(FaultProxy proxy) {
        arm(proxy, "reset-before-request", 0.010, head -> true, Fault.resetAfterRequestBytes(0));
        arm(
                proxy,
                "reset-mid-upload",
                0.010,
                head -> isWrite(head) && contentLength(head) > MID_BODY,
                Fault.resetAfterRequestBytes(MID_BODY));
        arm(proxy, "answer-lost", 0.010, head -> true, Fault.resetAfterResponseBytes(0));
        arm(
                proxy,
                "reset-mid-download",
                0.010,
                head -> head.method().equals("GET") && !head.target().contains("list-type"),
                Fault.resetAfterResponseBytes(MID_BODY));
        arm(proxy, "slow-down", 0.015, head -> true, Fault.slowDown());
        enabled = true;
    }

    /** Stops injecting (the final read-back runs on a healthy upstream). */
    void disable() {
        enabled = false;
    }

    /** Faults that hit requests for {@code token}'s keys so far. */
    int firedFor(String token) {
        AtomicInteger count = byToken.get(token);
        return count == null ? 0 : count.get();
    }

    Map<String, Integer> firedByKind() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        byKind.forEach((kind, count) -> copy.put(kind, count.get()));
        return copy;
    }

    int fired() {
        return byKind.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void arm(FaultProxy proxy, String kind, double chance, Predicate<RequestHead> applies, Fault fault) {
        proxy.inject(
                head -> {
                    if (!enabled
                            || !applies.test(head)
                            || ThreadLocalRandom.current().nextDouble() >= chance) {
                        return false;
                    }
                    Matcher token = TOKEN.matcher(head.target());
                    if (!token.find()) {
                        return false;
                    }
                    byToken.computeIfAbsent(token.group(), t -> new AtomicInteger())
                            .incrementAndGet();
                    byKind.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    return true;
                },
                fault,
                Integer.MAX_VALUE);
    }

    private static boolean isWrite(RequestHead head) {
        return head.method().equals("PUT") || head.method().equals("POST");
    }

    private static long contentLength(RequestHead head) {
        for (String line : head.text().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }
}
