package org.joblib4j.spark;

import org.joblib4j.testing.BackendArchitecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void sparkBackend_usesCoreThroughApiAndSpiOnly() {
    BackendArchitecture.check("org.joblib4j.spark");
  }
}
