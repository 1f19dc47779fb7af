package dev.s3seal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3seal.s3.QueryParameters;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamRetryTest {

    @Test
    void shouldRepeatOnlyIdempotentRequestsWhoseBodyCanBeSentAgain() {
        assertThat(UpstreamRetry.isSafeToRepeat(request("GET", -1), false)).isTrue();
        assertThat(UpstreamRetry.isSafeToRepeat(request("HEAD", -1), false)).isTrue();
        assertThat(UpstreamRetry.isSafeToRepeat(request("DELETE", -1), false)).isTrue();
        assertThat(UpstreamRetry.isSafeToRepeat(request("PUT", 0), true)).isTrue();
        // a client's streamed body cannot be read twice
        assertThat(UpstreamRetry.isSafeToRepeat(request("PUT", 1000), false)).isFalse();
        // a completion or a new upload is not idempotent
        assertThat(UpstreamRetry.isSafeToRepeat(request("POST", 100), true)).isFalse();
    }

    @Test
    void shouldRetryConnectionFailuresButNeverTimeouts() {
        assertThat(UpstreamRetry.isConnectionFailure(new ConnectException("refused")))
                .isTrue();
        assertThat(UpstreamRetry.isConnectionFailure(new RuntimeException(new IOException("reset"))))
                .isTrue();
        assertThat(UpstreamRetry.isConnectionFailure(new ConnectTimeoutException("slow connect")))
                .isFalse();
        assertThat(UpstreamRetry.isConnectionFailure(ReadTimeoutException.INSTANCE))
                .isFalse();
        assertThat(UpstreamRetry.isConnectionFailure(new IllegalStateException("a bug")))
                .isFalse();
    }

    private static UpstreamRequest request(String method, long contentLength) {
        return new UpstreamRequest(method, "b", "k", QueryParameters.empty(), Map.of(), contentLength);
    }
}
