package dev.s3seal.web.exchange;

import dev.s3seal.auth.payload.ChecksumAlgorithm;
import dev.s3seal.auth.payload.FlexibleChecksum;
import dev.s3seal.auth.payload.PayloadVerifier;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The flexible checksum a request declared for its body ({@code x-amz-checksum-*} header or
 * {@code x-amz-trailer}), as s3seal's payload verifier checked it: the algorithm is known before the
 * body, a header's value too, a trailer's value only once the body verified. Never computed twice:
 * the value is the verifier's.
 */
public final class BodyChecksum {

    public static final BodyChecksum NONE = new BodyChecksum(null, null, Optional::empty);

    private final ChecksumAlgorithm algorithm;
    private final FlexibleChecksum upfront;
    private final Supplier<Optional<FlexibleChecksum>> verified;

    private BodyChecksum(
            ChecksumAlgorithm algorithm, FlexibleChecksum upfront, Supplier<Optional<FlexibleChecksum>> verified) {
        this.algorithm = algorithm;
        this.upfront = upfront;
        this.verified = verified;
    }

    static BodyChecksum of(PayloadVerifier verifier) {
        return new BodyChecksum(
                verifier.declaredChecksumAlgorithm().orElse(null),
                verifier.headerChecksum().orElse(null),
                verifier::verifiedChecksum);
    }

    /** A value already verified (a held body that ended). */
    public static BodyChecksum known(Optional<FlexibleChecksum> checksum) {
        return checksum.map(c -> new BodyChecksum(c.algorithm(), c, () -> Optional.of(c)))
                .orElse(NONE);
    }

    public Optional<ChecksumAlgorithm> algorithm() {
        return Optional.ofNullable(algorithm);
    }

    /** The value when it was known before the body (a header; the body fails unless it holds). */
    public Optional<FlexibleChecksum> upfront() {
        return Optional.ofNullable(upfront);
    }

    /**
     * The value once the body verified; empty when none was declared.
     *
     * @throws IllegalStateException before the body ended and verified
     */
    public Optional<FlexibleChecksum> verified() {
        return algorithm == null ? Optional.empty() : verified.get();
    }
}
