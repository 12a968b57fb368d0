package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.joblib4j.ParallelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BackendsTest {
  @Test
  void usePool_serviceFileMakesTheBackendKnownByName() {
    assertThat(ParallelConfig.backendNames()).contains("pool");
    assertThat(Backends.usePool()).hasSize(4).containsOnly("pool-backend");
  }

  @Test
  void register_registeredNameRunsTasksOnTheBackendThenIsRemoved() {
    assertThat(Backends.register()).containsOnly("pool-backend");
    assertThat(ParallelConfig.backendNames()).doesNotContain("my-pool");
  }
}
