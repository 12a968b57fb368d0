package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** joblib's AutoBatchingMixin rules, with its constants. */
class AutoBatcherTest {
  private final AutoBatcher batcher =
      new AutoBatcher(
          Duration.ofMillis(200),
          Duration.ofSeconds(2),
          1,
          0,
          new ProgressReporter("Parallel(n_jobs=2)", 0, null, -1));

  private static long ms(double millis) {
    return (long) (millis * 1_000_000);
  }

  @Test
  void batchSize_noSampleYet_isOne() {
    assertThat(batcher.batchSize()).isEqualTo(1);
  }

  @Test
  void batchSize_backendStartsLarger_startsThereAndStillAdjusts() {
    AutoBatcher large =
        new AutoBatcher(Duration.ofMillis(200), Duration.ofSeconds(2), 500, 0,
            new ProgressReporter("Parallel(n_jobs=2)", 0, null, -1));
    assertThat(large.batchSize()).isEqualTo(500);
    large.batchCompleted(500, ms(10_000));
    // new = max(2 * int(500 * 0.2 / 10), 1) = 20
    assertThat(large.batchSize()).isEqualTo(20);
  }

  @Test
  void batchSize_fastBatches_atMostDoublesPerStep() {
    batcher.batchCompleted(1, ms(0.01));
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(0.02));
    assertThat(batcher.batchSize()).isEqualTo(4);
  }

  @Test
  void batchSize_nearTarget_growsOnlyToIdeal() {
    batcher.batchCompleted(1, ms(150));
    // ideal = int(1 * 0.2 / 0.15) * 2 = 2, at most 2 * old = 2
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(190));
    // ideal = int(2 * 0.2 / 0.19) * 2 = 4
    assertThat(batcher.batchSize()).isEqualTo(4);
  }

  @Test
  void batchCompleted_smoothsWithEightyTwentyAverage() {
    batcher.batchCompleted(1, ms(100));
    batcher.batchCompleted(1, ms(200));
    assertThat(batcher.smoothedSeconds()).isCloseTo(0.8 * 0.1 + 0.2 * 0.2, within());
  }

  @Test
  void batchCompleted_otherSize_ignored() {
    batcher.batchCompleted(5, ms(1));
    assertThat(batcher.smoothedSeconds()).isZero();
  }

  @Test
  void batchSize_slowBatches_shrinksAndResetsAverage() {
    batcher.batchCompleted(1, ms(0.01));
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(0.01));
    assertThat(batcher.batchSize()).isEqualTo(4);
    batcher.batchCompleted(4, ms(8_000));
    // new = max(2 * int(4 * 0.2 / 8), 1) = max(0, 1) = 1
    assertThat(batcher.batchSize()).isEqualTo(1);
    assertThat(batcher.smoothedSeconds()).as("reset on change").isZero();
  }

  @Test
  void batchSize_withinTargets_unchanged() {
    batcher.batchCompleted(1, ms(500));
    assertThat(batcher.batchSize()).isEqualTo(1);
    assertThat(batcher.smoothedSeconds()).isEqualTo(0.5);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
