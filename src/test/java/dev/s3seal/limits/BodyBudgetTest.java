package dev.s3seal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    @Test
    void shouldHoldBodiesUntilTheBudgetIsFullAndGiveBytesBackOnClose() {
        BodyBudget budget = new BodyBudget(100, 60);
        Optional<BodyBudget.Reservation> first = budget.tryReserve(60);
        Optional<BodyBudget.Reservation> second = budget.tryReserve(40);

        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(budget.reservedBytes()).isEqualTo(100);
        assertThat(budget.tryReserve(1)).isEmpty();
        assertThat(budget.budgetFullCount()).isEqualTo(1);

        first.get().close();
        first.get().close();
        assertThat(budget.reservedBytes()).isEqualTo(40);
        assertThat(budget.tryReserve(60)).isPresent();
        assertThat(budget.heldCount()).isEqualTo(3);
    }

    @Test
    void shouldRefuseBodiesLargerThanTheLargestHeldOneWhateverIsFree() {
        BodyBudget budget = new BodyBudget(1000, 10);

        assertThat(budget.tryReserve(11)).isEmpty();
        assertThat(budget.tryReserve(-1)).isEmpty();
        assertThat(budget.tooLargeCount()).isEqualTo(2);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void shouldHoldNothingWhenTurnedOff() {
        assertThat(BodyBudget.NONE.tryReserve(0)).isEmpty();
        assertThat(new BodyBudget(0, 100).tryReserve(1)).isEmpty();
    }
}
