package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerializationTest {
  @Test
  void plainRecord_kryoSendsIt() throws Exception {
    assertThat(Serialization.plainRecord()).isEqualTo(5.0);
  }

  @Test
  void cannotSend_messagesNameTheProblemAndTheFix(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f.txt"), "A");
    List<String> messages = Serialization.cannotSend(file);
    assertThat(messages.get(0))
        .contains(" at function.captured[0]: ")
        .contains("java.util.function.Function, which is not serializable")
        .contains("org.joblib4j.Serializable*");
    assertThat(messages.get(1))
        .startsWith("Cannot serialize sun.nio.ch.ChannelInputStream at function.captured[0]: ")
        .contains("Create it inside the task")
        .doesNotContain("implement java.io.Serializable");
  }

  @Test
  void fixed_bothTasksRunAfterARoundTrip(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f.txt"), "A");
    assertThat(Serialization.fixed(file)).containsExactly(2, (int) 'A');
  }
}
