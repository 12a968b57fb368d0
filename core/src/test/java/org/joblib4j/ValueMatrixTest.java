package org.joblib4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.joblib4j.testing.MatrixTests;
import org.joblib4j.testing.ValueMatrix;
import org.joblib4j.testing.ValuePaths;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every value of the {@link ValueMatrix} through {@code Joblib.dump}/{@code load} with every codec
 * (and a memory-mapped load) and through a {@code Memory} cache hit, in a JVM started with no
 * module options: each round-trips equal or is refused when it is written.
 */
class ValueMatrixTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicNode> dumpLoadAndMemory_everyValueInPlainJvm_roundTripsOrIsRefusedAtWrite()
      throws Exception {
    List<String> paths = new ArrayList<>(ValuePaths.FILES);
    paths.add("memory");
    return MatrixTests.inChildJvm(dir, 180, paths.toArray(String[]::new));
  }
}
