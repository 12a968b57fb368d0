package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.joblib4j.RemoteTaskException;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.BatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results as they travel from executors to the driver. */
class ResultCodecTest {
  private final Serializer serializer = Serializer.current();

  @Test
  void decode_success_returnsTheValues() {
    byte[] bytes = ResultCodec.encode(BatchResult.success(List.of(1, "two")), serializer);

    BatchResult result = ResultCodec.decode(bytes, serializer, getClass().getClassLoader());

    assertThat(result.values()).containsExactly(1, "two");
  }

  @Test
  void decode_failureOfLoadableClass_returnsTheOriginalException() {
    byte[] bytes =
        ResultCodec.encode(BatchResult.failure(2, new IllegalStateException("boom")), serializer);

    BatchResult result = ResultCodec.decode(bytes, serializer, getClass().getClassLoader());

    assertThat(result.failedOffset()).isEqualTo(2);
    assertThat(result.failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
  }

  @Test
  void decode_exceptionClassMissingOnDriver_returnsRemoteTaskExceptionWithTrace(@TempDir Path dir)
      throws Exception {
    // An exception class that exists only in the "executor's" class loader.
    Path source = dir.resolve("src/executoronly/LostError.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        "package executoronly; public class LostError extends RuntimeException {"
            + " public LostError(String m) { super(m); } }");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), source.toString());
    assertThat(rc).isZero();
    byte[] bytes;
    Throwable thrown;
    try (URLClassLoader executor =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      thrown =
          (Throwable)
              executor
                  .loadClass("executoronly.LostError")
                  .getConstructor(String.class)
                  .newInstance("lost class");
      bytes = ResultCodec.encode(BatchResult.failure(0, thrown), serializer);
    }

    BatchResult result = ResultCodec.decode(bytes, serializer, getClass().getClassLoader());

    assertThat(result.failure())
        .isInstanceOf(RemoteTaskException.class)
        .hasMessage("executoronly.LostError: lost class");
    RemoteTaskException remote = (RemoteTaskException) result.failure();
    assertThat(remote.remoteClassName()).isEqualTo("executoronly.LostError");
    assertThat(remote.getStackTrace()).isEqualTo(thrown.getStackTrace());
  }

  @Test
  void encode_resultThatCannotBeSerialized_becomesAFailureNamingIt() {
    BatchResult unsendable = BatchResult.success(List.of(1, new Thread()));

    BatchResult result =
        ResultCodec.decode(
            ResultCodec.encode(unsendable, serializer), serializer, getClass().getClassLoader());

    assertThat(result.failedOffset()).isEqualTo(1);
    assertThat(result.failure())
        .hasMessageContaining("could not be sent back to the driver")
        .hasMessageContaining("java.lang.Thread");
  }
}
