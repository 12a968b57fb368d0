package org.joblib4j.spi;

import org.joblib4j.internal.SequentialBackendFactory;

class SequentialBackendContractTest extends BackendContractTest {
  @Override
  protected BackendFactory factory() {
    return new SequentialBackendFactory();
  }

  @Override
  protected int nJobs() {
    return 1;
  }
}
