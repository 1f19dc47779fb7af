package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3seal.s3.S3ErrorCode;
import dev.s3seal.s3.S3Exception;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConcurrencyLimitTest {

    private final List<String> limited = new ArrayList<>();
    private final ClientConcurrencyLimit limit =
            new ClientConcurrencyLimit(2, (which, client) -> limited.add(which.tagValue() + ":" + client));

    @Test
    void shouldRefuseWithSlowDownWhenClientHasItsMaximumInFlight() {
        limit.acquire("alice");
        limit.acquire("alice");

        assertThatThrownBy(() -> limit.acquire("alice"))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.errorCode()).isEqualTo(S3ErrorCode.SLOW_DOWN));
        assertThat(limited).containsExactly("client-concurrency:alice");
        assertThat(limit.inFlight("alice")).as("a refusal takes no permit").isEqualTo(2);
    }

    @Test
    void shouldServeOtherClientWhenOneIsAtItsMaximum() {
        limit.acquire("alice");
        limit.acquire("alice");

        limit.acquire("bob");
        assertThat(limit.inFlight("bob")).isEqualTo(1);
    }

    @Test
    void shouldGiveBackPermitOnceWhenReleasedTwice() {
        ClientConcurrencyLimit.Permit first = limit.acquire("alice");
        limit.acquire("alice");

        first.release();
        first.release(); // complete and cancel can both arrive

        assertThat(limit.inFlight("alice")).isEqualTo(1);
        limit.acquire("alice");
        assertThatThrownBy(() -> limit.acquire("alice")).isInstanceOf(S3Exception.class);
    }
}
