package org.joblib4j.local;

import org.joblib4j.spi.BackendContractTest;
import org.joblib4j.spi.BackendFactory;

/** The backend contract, on the {@code processes} backend. */
class ProcessesBackendContractTest extends BackendContractTest {
  @Override
  protected BackendFactory factory() {
    return new ProcessesBackendFactory();
  }

  @Override
  protected boolean splitsRunningBatches() {
    return true;
  }
}
