package dev.identitylog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MedianTest {
  @Test
  void theMiddleOfAnOddCountAndTheMeanOfTheTwoMiddleOnesOfAnEvenCount() {
    assertThat(Median.of(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Median.of(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Median.of(new double[] {7})).isEqualTo(7);
  }

  @Test
  void leavesTheRoundsInTheirOrder() {
    double[] rounds = {3, 1, 2};
    Median.of(rounds);
    assertThat(rounds).containsExactly(3, 1, 2);
  }
}
