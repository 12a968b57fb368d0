package org.joblib4j.spark;

import org.joblib4j.spi.BackendContractTest;
import org.joblib4j.spi.BackendFactory;

/** The backend contract on the embedded {@code local[2]} context the build configures. */
class SparkBackendContractTest extends BackendContractTest {
  @Override
  protected BackendFactory factory() {
    return new SparkBackendFactory();
  }
}
