package dev.s3seal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.SignalType;

class RequestOutcomeTest {

    @Test
    void shouldClassifyByDenyThenCancelThenStatus() {
        assertThat(RequestOutcome.of(true, SignalType.ON_COMPLETE, 403)).isEqualTo(RequestOutcome.DENIED);
        assertThat(RequestOutcome.of(false, SignalType.CANCEL, 200)).isEqualTo(RequestOutcome.CANCELLED);
        assertThat(RequestOutcome.of(false, SignalType.ON_ERROR, 200)).isEqualTo(RequestOutcome.SERVER_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 503)).isEqualTo(RequestOutcome.SERVER_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 404)).isEqualTo(RequestOutcome.CLIENT_ERROR);
        assertThat(RequestOutcome.of(false, SignalType.ON_COMPLETE, 206)).isEqualTo(RequestOutcome.SUCCESS);
    }
}
