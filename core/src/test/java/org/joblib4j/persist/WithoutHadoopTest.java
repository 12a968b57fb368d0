package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.joblib4j.Joblib;
import org.joblib4j.testing.PlainJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local paths never need Hadoop: dump and load work with no Hadoop jar on the class path. */
class WithoutHadoopTest {
  @TempDir Path dir;

  /** Dumps and loads a local file and a {@code file:} URI, then prints {@code OK}. */
  public static final class LocalRoundTrip {
    private LocalRoundTrip() {}

    public static void main(String[] args) {
      Path file = Path.of(args[0]);
      Joblib.dump(List.of(new double[50_000], "x"), file);
      Joblib.dump(List.of("y"), file.resolveSibling("b.zst").toUri());
      List<?> a = Joblib.load(file, List.class);
      List<?> b = Joblib.load(file.resolveSibling("b.zst").toUri(), List.class);
      System.out.println(a.get(1).equals("x") && b.get(0).equals("y") ? "OK" : "WRONG");
    }
  }

  @Test
  void dumpLoad_localPathsWithoutHadoopOnClassPath_work() throws Exception {
    String text =
        PlainJvm.run(
            dir.resolve("out.txt"),
            entry -> !entry.contains("hadoop"),
            List.of("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"),
            LocalRoundTrip.class,
            dir.resolve("a.bin").toString());
    assertThat(text).as(text).contains("OK");
  }
}
