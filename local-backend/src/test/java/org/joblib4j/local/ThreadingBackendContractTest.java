package org.joblib4j.local;

import org.joblib4j.spi.BackendContractTest;
import org.joblib4j.spi.BackendFactory;

class ThreadingBackendContractTest extends BackendContractTest {
  @Override
  protected BackendFactory factory() {
    return new ThreadingBackendFactory();
  }

  @Override
  protected boolean splitsRunningBatches() {
    return true;
  }
}
