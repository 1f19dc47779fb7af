package dev.s3seal.config;

import dev.s3seal.auth.ClientCredential;
import dev.s3seal.auth.CredentialStore;
import dev.s3seal.auth.SigV4Verifier;
import dev.s3seal.auth.post.PostFormVerifier;
import dev.s3seal.keys.KeyCacheSettings;
import dev.s3seal.keys.kms.KmsSettings;
import dev.s3seal.keys.registry.KeyRegistries;
import dev.s3seal.limits.BodyBudget;
import dev.s3seal.limits.RequestLimits;
import dev.s3seal.ops.KmsCallTimer;
import dev.s3seal.policy.Mode;
import dev.s3seal.policy.file.PolicyHolder;
import dev.s3seal.s3.S3RequestParser;
import dev.s3seal.upstream.UpstreamClient;
import dev.s3seal.web.OperationRouter;
import dev.s3seal.web.S3Gateway;
import dev.s3seal.web.S3HandlerMapping;
import dev.s3seal.web.copy.EncryptedCopyHandler;
import dev.s3seal.web.envelope.EtagSettings;
import dev.s3seal.web.exchange.SealResponse;
import dev.s3seal.web.form.PostObjectForms;
import dev.s3seal.web.forward.DeleteObjectsHandler;
import dev.s3seal.web.forward.ForwardHandler;
import dev.s3seal.web.forward.ServerSideEncryptionHandler;
import dev.s3seal.web.listing.EncryptedListingHandler;
import dev.s3seal.web.multipart.EncryptedMultipartHandler;
import dev.s3seal.web.object.EncryptedObjectHandler;
import dev.s3seal.web.ssec.EmulatedSseCHandler;
import dev.s3seal.web.ssec.InjectedSseCHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the S3 edge: addressing, client authentication, operation handlers. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

    /** S3 accepts requests signed up to 15 minutes from its clock. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    @Bean
    CredentialStore credentialStore(S3SealProperties properties) {
        if (!properties.clients().isEmpty()) {
            return ConfiguredCredentialStore.from(properties.clients());
        }
        if (properties.upstream().embedded()) {
            S3SealProperties.Demo demo = properties.demo();
            return new ConfiguredCredentialStore(List.of(
                    new ClientCredential("demo", demo.clientAccessKeyId(), demo.clientSecretAccessKey(), Set.of("*"))));
        }
        throw new InvalidConfigurationException(
                "s3seal.clients",
                "no clients configured; set s3seal.clients[0].access-key-id and s3seal.clients[0].secret-access-key"
                        + " (S3SEAL_CLIENTS_0_ACCESS_KEY_ID / S3SEAL_CLIENTS_0_SECRET_ACCESS_KEY)");
    }

    @Bean(destroyMethod = "close")
    KeyRegistries keyRegistries(
            S3SealProperties properties, PolicyHolder policy, ObjectProvider<MeterRegistry> meters) {
        KmsSettings settings = KmsClients.settings(properties, null, null);
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            settings = settings.withInterceptors(new KmsCallTimer(registry));
        }
        return new KeyRegistries(policy::policy, settings, KeyCacheSettings.defaults());
    }

    /** The answer to a completion or copy whose seal may outlast a client's read timeout. */
    @Bean
    SealResponse sealResponse(S3SealProperties properties) {
        Duration keepAliveAfter = properties.limits().sealKeepAliveAfter();
        if (keepAliveAfter.isNegative()) {
            throw new InvalidConfigurationException(
                    "s3seal.limits.seal-keep-alive-after", "must not be negative, was " + keepAliveAfter);
        }
        return new SealResponse(keepAliveAfter);
    }

    @Bean
    S3Gateway s3Gateway(
            S3SealProperties properties,
            CredentialStore credentials,
            UpstreamClient upstream,
            PolicyHolder policy,
            KeyRegistries keys,
            dev.s3seal.ops.RequestObserver observer,
            RequestLimits limits,
            BodyBudget heldBodies,
            SealResponse sealResponse,
            @org.springframework.beans.factory.annotation.Value("${server.address:}") String serverAddress) {
        S3RequestParser parser = new S3RequestParser(new ArrayList<>(properties.virtualHostDomains()));
        SigV4Verifier verifier = new SigV4Verifier(credentials, Clock.systemUTC(), MAX_CLOCK_SKEW);
        ForwardHandler forward = new ForwardHandler(upstream);
        EtagSettings etags = new EtagSettings(
                properties.etag().sealMd5AfterPut(), properties.etag().listingLookups());
        EncryptedObjectHandler objects = new EncryptedObjectHandler(upstream, keys, etags, heldBodies);
        EncryptedMultipartHandler multipart = new EncryptedMultipartHandler(upstream, keys, sealResponse);
        OperationRouter router = OperationRouter.builder()
                .forward(forward)
                .encryptedObjects(objects)
                .encryptedListings(new EncryptedListingHandler(upstream, policy, keys, etags))
                .serverSideEncryption(new ServerSideEncryptionHandler(forward))
                .encryptedMultipart(multipart)
                .encryptedCopy(new EncryptedCopyHandler(upstream, keys, etags, sealResponse))
                .deleteObjects(new DeleteObjectsHandler(upstream, policy))
                .injectedSseC(new InjectedSseCHandler(forward, keys))
                .emulatedSseC(new EmulatedSseCHandler(keys, objects, multipart))
                .anyClientSideRule(() -> policy.policy().rules().stream()
                        .anyMatch(rule -> rule.mode() == Mode.CSE_LOCAL
                                || rule.mode() == Mode.CSE_KMS
                                || rule.sseCVariant() == dev.s3seal.policy.SseCVariant.EMULATED))
                .build();
        return new S3Gateway(
                parser,
                verifier,
                policy,
                router,
                observer,
                dev.s3seal.web.ssec.SseCTransportGuard.forListener(serverAddress),
                limits,
                new PostObjectForms(new PostFormVerifier(credentials, Clock.systemUTC())));
    }

    @Bean
    S3HandlerMapping s3HandlerMapping(S3Gateway gateway) {
        return new S3HandlerMapping(gateway);
    }
}
