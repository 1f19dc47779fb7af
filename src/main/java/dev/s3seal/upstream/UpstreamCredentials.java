package dev.s3seal.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * s3seal's own credentials for the upstream store. Static keys are used as given; otherwise the
 * AWS default chain (environment, web identity / IRSA, Pod Identity, instance profile) is asked
 * off the event loop, because its refresh may do blocking I/O, and the answer is kept until
 * shortly before it expires.
 */
public final class UpstreamCredentials {

    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(2);
    private static final Duration NON_EXPIRING_RECHECK = Duration.ofMinutes(10);

    private final AwsCredentialsProvider provider;
    private final Clock clock;
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    private record Cached(AwsCredentialsIdentity identity, Instant refreshAt) {}

    UpstreamCredentials(AwsCredentialsProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    public static UpstreamCredentials of(@Nullable String accessKeyId, @Nullable String secretAccessKey) {
        boolean hasStatic = accessKeyId != null && !accessKeyId.isBlank();
        AwsCredentialsProvider provider = hasStatic
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey))
                : DefaultCredentialsProvider.builder().build();
        return new UpstreamCredentials(provider, Clock.systemUTC());
    }

    public Mono<AwsCredentialsIdentity> current() {
        Cached now = cached.get();
        if (now != null && clock.instant().isBefore(now.refreshAt())) {
            return Mono.just(now.identity());
        }
        return Mono.fromCallable(this::refresh).subscribeOn(Schedulers.boundedElastic());
    }

    private AwsCredentialsIdentity refresh() {
        AwsCredentialsIdentity identity = provider.resolveCredentials();
        Instant refreshAt = identity.expirationTime()
                .map(expiry -> expiry.minus(REFRESH_BEFORE_EXPIRY))
                .orElse(clock.instant().plus(NON_EXPIRING_RECHECK));
        cached.set(new Cached(identity, refreshAt));
        return identity;
    }
}
