package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  @Test
  void formatTime_joblibShortFormat() {
    assertThat(ProgressReporter.formatTime(0.04)).isEqualTo("   0.0s");
    assertThat(ProgressReporter.formatTime(12.345)).isEqualTo("  12.3s");
    assertThat(ProgressReporter.formatTime(90)).isEqualTo(" 1.5min");
  }
}
