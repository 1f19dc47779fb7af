package dev.s3seal.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Times every KMS API call s3seal makes ({@link S3SealMeters#KMS_CALLS}), as an SDK interceptor so
 * the clock covers exactly the SDK call: each of s3seal's own retries is a call of its own, and
 * calls served from the key cache are not calls at all.
 */
public final class KmsCallTimer implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("s3seal.kms.started");

    private final MeterRegistry registry;

    public KmsCallTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, "ok");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes, "error");
    }

    private void record(ExecutionAttributes attributes, String outcome) {
        Long started = attributes.getAttribute(STARTED);
        if (started == null) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        S3SealMeters.KMS_CALLS
                .timer(registry, operation == null ? "unknown" : operation, outcome)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
