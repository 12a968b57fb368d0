package org.joblib4j.spi;

import org.joblib4j.testing.ExecutorServiceBackendFactory;

class ExecutorServiceBackendContractTest extends BackendContractTest {
  @Override
  protected BackendFactory factory() {
    return new ExecutorServiceBackendFactory();
  }
}
