package org.joblib4j.local;

import org.joblib4j.testing.BackendArchitecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void localBackend_usesCoreThroughApiAndSpiOnly() {
    BackendArchitecture.check("org.joblib4j.local");
  }
}
