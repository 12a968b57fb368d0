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

  private static AutoBatcher startingAt(int size) {
    return new AutoBatcher(
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        size,
        0,
        new ProgressReporter("Parallel(n_jobs=2)", 0, null, -1));
  }

  @Test
  void batchSize_backendAsksLarger_probesWithOneTaskThenSizesByTheTaskTime() {
    // The backend asks for 500; tiny tasks get them after the first probe, tasks of 20 ms get
    // min / t = 10, tasks of a second stay one per batch.
    double[][] cases = {{0.001, 500}, {20, 10}, {1_000, 1}, {30_000, 1}};
    for (double[] c : cases) {
      AutoBatcher large = startingAt(500);
      assertThat(large.probing()).isTrue();
      assertThat(large.batchSize()).isEqualTo(1);
      // The round trip includes a worker's start-up; the task's own run time decides.
      large.batchCompleted(1, ms(c[0] + 900), ms(c[0]));
      assertThat(large.probing()).isFalse();
      assertThat(large.batchSize()).as("task of %s ms", c[0]).isEqualTo((int) c[1]);
    }
  }

  @Test
  void batchSize_backendGivesNoRunTime_probeUsesTheRoundTrip() {
    AutoBatcher large = startingAt(500);
    large.batchCompleted(1, ms(50), -1);
    assertThat(large.batchSize()).isEqualTo(4);
  }

  @Test
  void batchSize_afterTheProbe_adjustsAsJoblib() {
    AutoBatcher large = startingAt(500);
    large.batchCompleted(1, ms(0.01), ms(0.01));
    assertThat(large.batchSize()).isEqualTo(500);
    large.batchCompleted(500, ms(10_000), ms(10_000));
    // new = max(2 * int(500 * 0.2 / 10), 1) = 20
    assertThat(large.batchSize()).isEqualTo(20);
  }

  @Test
  void batchSize_fastBatches_atMostDoublesPerStep() {
    batcher.batchCompleted(1, ms(0.01), -1);
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(0.02), -1);
    assertThat(batcher.batchSize()).isEqualTo(4);
  }

  @Test
  void batchSize_nearTarget_growsOnlyToIdeal() {
    batcher.batchCompleted(1, ms(150), -1);
    // ideal = int(1 * 0.2 / 0.15) * 2 = 2, at most 2 * old = 2
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(190), -1);
    // ideal = int(2 * 0.2 / 0.19) * 2 = 4
    assertThat(batcher.batchSize()).isEqualTo(4);
  }

  @Test
  void batchCompleted_smoothsWithEightyTwentyAverage() {
    batcher.batchCompleted(1, ms(100), -1);
    batcher.batchCompleted(1, ms(200), -1);
    assertThat(batcher.smoothedSeconds()).isCloseTo(0.8 * 0.1 + 0.2 * 0.2, within());
  }

  @Test
  void batchCompleted_otherSize_ignored() {
    batcher.batchCompleted(5, ms(1), -1);
    assertThat(batcher.smoothedSeconds()).isZero();
  }

  @Test
  void batchSize_slowBatches_shrinksAndResetsAverage() {
    batcher.batchCompleted(1, ms(0.01), -1);
    assertThat(batcher.batchSize()).isEqualTo(2);
    batcher.batchCompleted(2, ms(0.01), -1);
    assertThat(batcher.batchSize()).isEqualTo(4);
    batcher.batchCompleted(4, ms(8_000), -1);
    // new = max(2 * int(4 * 0.2 / 8), 1) = max(0, 1) = 1
    assertThat(batcher.batchSize()).isEqualTo(1);
    assertThat(batcher.smoothedSeconds()).as("reset on change").isZero();
  }

  @Test
  void batchSize_withinTargets_unchanged() {
    batcher.batchCompleted(1, ms(500), -1);
    assertThat(batcher.batchSize()).isEqualTo(1);
    assertThat(batcher.smoothedSeconds()).isEqualTo(0.5);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
