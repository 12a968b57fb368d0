package org.joblib4j.spark;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.joblib4j.testing.MatrixTests;
import org.joblib4j.testing.ValueMatrix;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every value of the {@link ValueMatrix} as the argument of a task on the {@code spark} backend
 * ({@code local[2]}, there and back) and as the result of a task that builds it on the executor:
 * each round-trips equal or is refused when it is written.
 */
class SparkValueMatrixTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicNode> run_everyValueOnExecutors_roundTripsOrIsRefusedAtWrite() {
    return MatrixTests.inThisJvm(dir, "spark-argument", "spark-result");
  }
}
