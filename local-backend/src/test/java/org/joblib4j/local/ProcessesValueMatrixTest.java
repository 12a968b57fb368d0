package org.joblib4j.local;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.joblib4j.testing.MatrixTests;
import org.joblib4j.testing.ValueMatrix;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every value of the {@link ValueMatrix} as the argument of a task on the {@code processes} backend
 * (there and back) and as the result of a task that builds it inside the worker, from a parent JVM
 * started with no module options, so its workers have none either: each round-trips equal or is
 * refused when it is written.
 */
class ProcessesValueMatrixTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicNode> run_everyValueOnWorkersOfPlainJvm_roundTripsOrIsRefusedAtWrite()
      throws Exception {
    return MatrixTests.inChildJvm(dir, 300, "processes-argument", "processes-result");
  }
}
