package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.ProgressListener.Progress;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Progress progress(long done, long total, double seconds) {
    return new Progress("Parallel(n_jobs=2)", done, done, total, (long) (seconds * 1e9), false);
  }

  @Test
  void onProgress_notTerminalZeroInterval_writesOneLinePerUpdateWithDoneTotalRateAndEta() {
    ProgressBar bar = new ProgressBar(out, Duration.ZERO);
    bar.onStart(progress(0, 100, 0));
    bar.onProgress(progress(25, 100, 1));
    bar.onProgress(progress(50, 100, 2));
    bar.onFinish(progress(100, 100, 4));

    assertThat(output().lines().toList())
        .containsExactly(
            "[Parallel(n_jobs=2)]: 25/100 tasks (25%) | 25.0 tasks/s | elapsed 00:01 | ETA 00:03",
            "[Parallel(n_jobs=2)]: 50/100 tasks (50%) | 25.0 tasks/s | elapsed 00:02 | ETA 00:02",
            "[Parallel(n_jobs=2)]: done 100/100 tasks (100%) | 25.0 tasks/s | elapsed 00:04");
    assertThat(output()).doesNotContain("\r");
  }

  @Test
  void onProgress_notTerminalLongInterval_writesOnlyTheFinishLine() {
    ProgressBar bar = new ProgressBar(out, Duration.ofHours(1));
    bar.onStart(progress(0, 100, 0));
    for (int i = 1; i < 100; i++) {
      bar.onProgress(progress(i, 100, i / 10.0));
    }
    bar.onFinish(progress(100, 100, 10));

    assertThat(output().lines().toList())
        .containsExactly(
            "[Parallel(n_jobs=2)]: done 100/100 tasks (100%) | 10.0 tasks/s | elapsed 00:10");
  }

  @Test
  void onProgress_unknownTotal_showsDoneAndRateWithoutEta() {
    ProgressBar bar = new ProgressBar(out, Duration.ZERO);
    bar.onProgress(progress(30, -1, 3));

    assertThat(output().strip())
        .isEqualTo("[Parallel(n_jobs=2)]: 30 tasks | 10.0 tasks/s | elapsed 00:03");
  }

  @Test
  void onProgress_live_redrawsInPlaceAndEndsWithANewline() {
    ProgressBar bar = new ProgressBar(out, Duration.ZERO, true);
    bar.onStart(progress(0, 10, 0));
    bar.onProgress(progress(5, 10, 1));
    bar.onFinish(progress(10, 10, 2));

    String text = output();
    assertThat(text).startsWith("\r[Parallel(n_jobs=2)] [------------------------------]   0%  0/10");
    assertThat(text)
        .contains("\r[Parallel(n_jobs=2)] [###############---------------]  50%  5/10"
            + " | 5.0 tasks/s | 00:01 < 00:01");
    assertThat(text).endsWith("\n");
    assertThat(text.stripTrailing())
        .endsWith("\r[Parallel(n_jobs=2)] [##############################] 100%  10/10"
            + " | 5.0 tasks/s | 00:02");
  }

  @Test
  void run_withProgressBar_reportsEveryTaskOfTheCall() {
    List<Double> roots =
        new Parallel()
            .nJobs(1)
            .progressListener(new ProgressBar(out, Duration.ZERO))
            .run(IntStream.range(0, 20).mapToObj(i -> delayed(Math::sqrt, (double) i)));

    assertThat(roots).hasSize(20);
    assertThat(output().lines().reduce((a, b) -> b).orElseThrow())
        .startsWith("[Parallel(n_jobs=1)]: done 20/20 tasks (100%)");
  }

  @Test
  void constructor_negativeInterval_isRejected() {
    assertThatThrownBy(() -> new ProgressBar(out, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be zero or positive");
  }

  @Test
  void clock_formatsMinutesAndHours() {
    assertThat(ProgressBar.clock(65)).isEqualTo("01:05");
    assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
  }
}
