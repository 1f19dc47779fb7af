package dev.s3seal.testsupport;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import reactor.blockhound.BlockHound;

/**
 * Runs once before any test: installs the Netty leak recorder and BlockHound, so that a buffer
 * leak or a blocking call on an event loop anywhere in the run fails it.
 */
public final class TestRunSetup implements TestExecutionListener {

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        LeakRecorder.install();
        // builder() alone loads no BlockHoundIntegration (Reactor's NonBlocking threads, Netty, Spring),
        // and BlockHound installs once per JVM: load them here or nothing is ever detected.
        BlockHound.builder()
                .loadIntegrations()
                // JDK and library internals that block briefly by design, never on our paths' hot loops
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                .allowBlockingCallsInside("java.security.SecureRandom", "nextBytes")
                .allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "execute")
                .allowBlockingCallsInside("org.springframework.util.MimeTypeUtils", "generateMultipartBoundary")
                // Netty 4.2's adaptive allocator takes a magazine's StampedLock when it grows under
                // concurrent allocation (parallel part uploads); its BlockHound integration misses it
                .allowBlockingCallsInside(
                        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                // the SDK's SigV4 signer (upstream requests) takes and returns pooled MessageDigests through a
                // LinkedBlockingDeque, whose lock guards a few field writes; it parks only when two event
                // loops sign at the same instant (seen once in CI as a 500 on CompleteMultipartUpload)
                .allowBlockingCallsInside("software.amazon.awssdk.checksums.internal.DigestAlgorithm", "getDigest")
                .allowBlockingCallsInside(
                        "software.amazon.awssdk.checksums.internal.DigestAlgorithm$CloseableMessageDigest", "close")
                .install();
    }
}
