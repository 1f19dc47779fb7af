package dev.s3seal.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts SDK operations by request type (GenerateDataKeyRequest, DecryptRequest...). */
public final class KmsCallCounter implements ExecutionInterceptor {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String name = context.request().getClass().getSimpleName().replace("Request", "");
        calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    public int generateDataKey() {
        return count("GenerateDataKey");
    }

    public int decrypt() {
        return count("Decrypt");
    }

    public void reset() {
        calls.clear();
    }
}
