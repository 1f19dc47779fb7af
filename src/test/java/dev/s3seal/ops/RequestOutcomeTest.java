package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.SignalType;

class RequestOutcomeTest {

    @Test
    void shouldClassifyByDenyThenCancelThenStatus() {
        assertThat(RequestOutcome.of(true, SignalType.ON_COMPLETE, 403, true)).isEqualTo(RequestOutcome.DENIED);
        assertThat(RequestOutcome.of(false, SignalType.CANCEL, 200, false)).isEqualTo(RequestOutcome.CANCELLED);
        assertThat(RequestOutcome.of(false, SignalType.ON_ERROR, 200, false)).isEqualTo(RequestOutcome.SERVER_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 503, true)).isEqualTo(RequestOutcome.SERVER_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 404, true)).isEqualTo(RequestOutcome.CLIENT_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 206, true)).isEqualTo(RequestOutcome.SUCCESS);
    }
}
