package dev.s3seal.testsupport;

import java.io.IOException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests that run under {@link TestPolicies#STANDARD_RULES} and s3seal's defaults
 * otherwise. They share one Spring context (one s3seal, one policy, one KMS key): Spring's test context
 * cache reuses a context only for the same configuration, and the {@link DynamicPropertySource} methods are
 * part of it, so a subclass declares none of its own, no {@code @TestPropertySource}, no mock beans and no
 * {@code @DirtiesContext}; a test that needs another setting gets its own class. Tests of this context use
 * fresh buckets ({@link #newBucket()}) and must leave the policy file and the context's state as they found
 * them.
 */
public abstract class StandardPolicyIntegrationTest extends ProxyIntegrationTest {

    @DynamicPropertySource
    static void standardPolicy(DynamicPropertyRegistry registry) throws IOException {
        TestPolicies.register(registry, TestPolicies.STANDARD_RULES);
    }
}
