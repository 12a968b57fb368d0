package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which options of the parent's command line the workers get. */
class WorkerCommandTest {

  @Test
  void inherited_nativeAccessAndUnsafeOptions_areKeptInBothForms() {
    List<String> parent =
        List.of(
            "-Xmx4g",
            "--enable-native-access=ALL-UNNAMED",
            "--illegal-native-access",
            "deny",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dother=1",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Djoblib4j.verbose=10");

    assertThat(WorkerCommand.inherited(parent))
        .containsExactly(
            "--enable-native-access=ALL-UNNAMED",
            "--illegal-native-access",
            "deny",
            "--sun-misc-unsafe-memory-access=allow",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-Djoblib4j.verbose=10");
  }

  @Test
  void inherited_optionsForPackagesThisJvmLacks_areDropped() {
    List<String> parent =
        List.of(
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/no.such.pkg=ALL-UNNAMED",
            "--add-exports",
            "no.such.module/p=ALL-UNNAMED",
            "--add-exports",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "-XX:+IgnoreUnrecognizedVMOptions");

    assertThat(WorkerCommand.inherited(parent))
        .containsExactly(
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-exports",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "-XX:+IgnoreUnrecognizedVMOptions");
  }
}
