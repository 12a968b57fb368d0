package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.joblib4j.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.JoblibException;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the channel between the parent and its worker JVMs stays apart from what tasks write to
 * their standard output (by any route) and read from their standard input.
 */
@Timeout(value = 120, unit = SECONDS)
class ProcessesChannelTest {
  /** How long a call that must not hang may take, worker start-up on a busy machine included. */
  private static final Duration PROMPTLY = Duration.ofSeconds(60);

  private static Parallel processes() {
    return new Parallel().backend("processes").nJobs(2).batchSize(1);
  }

  /**
   * Writes bytes that read as a frame length of 0x68686868 (1.75 GB; printable, "hhhh", so the
   * build's log stays text), then a line of text, to the worker's file descriptor 1, past
   * System.out.
   */
  static int writeRawToFd1(int i) {
    @SuppressWarnings("resource") // closing it would close the worker's file descriptor 1
    FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
    try {
      fd1.write(new byte[] {0x68, 0x68, 0x68, 0x68});
      fd1.write(("raw-stdout-" + i + "\n").getBytes(StandardCharsets.UTF_8));
      fd1.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return i * i;
  }

  static int echoFromChild(int i) {
    try {
      Process child =
          new ProcessBuilder("sh", "-c", "echo hello-from-child-" + i).inheritIO().start();
      return child.waitFor() == 0 ? i + 100 : -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int readAllOfSystemIn(int i) {
    try {
      return System.in.readAllBytes().length * 1000 + i;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int twice(int x) {
    return 2 * x;
  }

  @Test
  void run_taskWritesRawBytesToFileDescriptor1_returnsResultsAndTextReachesStdout() {
    List<Task<Integer>> tasks =
        IntStream.range(0, 6)
            .mapToObj(i -> delayed(ProcessesChannelTest::writeRawToFd1, i))
            .toList();

    String out =
        captureStdout(
            () -> {
              List<Integer> results =
                  assertTimeoutPreemptively(PROMPTLY, () -> processes().run(tasks));
              assertThat(results).containsExactly(0, 1, 4, 9, 16, 25);
            },
            IntStream.range(0, 6).mapToObj(i -> "raw-stdout-" + i).toArray(String[]::new));

    assertThat(out).containsPattern("\\[worker \\d+\\] hhhhraw-stdout-3\n");
    assertPoolUsable();
  }

  @Test
  void run_taskStartsChildWithInheritIo_returnsResultsAndChildOutputReachesStdout() {
    assumeThat(Files.isExecutable(Path.of("/bin/sh"))).as("a POSIX shell").isTrue();
    List<Task<Integer>> tasks =
        IntStream.range(0, 4)
            .mapToObj(i -> delayed(ProcessesChannelTest::echoFromChild, i))
            .toList();

    String out =
        captureStdout(
            () -> {
              List<Integer> results =
                  assertTimeoutPreemptively(PROMPTLY, () -> processes().run(tasks));
              assertThat(results).containsExactly(100, 101, 102, 103);
            },
            "hello-from-child-0",
            "hello-from-child-1",
            "hello-from-child-2",
            "hello-from-child-3");

    assertThat(out)
        .containsPattern(
            Pattern.compile("^\\[worker \\d+\\] hello-from-child-2$", Pattern.MULTILINE));
    assertPoolUsable();
  }

  @Test
  void run_taskReadsSystemIn_seesAnEmptyInputAndTheCallSucceeds() {
    List<Task<Integer>> tasks =
        IntStream.range(0, 8)
            .mapToObj(i -> delayed(ProcessesChannelTest::readAllOfSystemIn, i))
            .toList();

    List<Integer> results = assertTimeoutPreemptively(PROMPTLY, () -> processes().run(tasks));

    assertThat(results).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertPoolUsable();
  }

  @Test
  void shutDown_afterWorkersConnected_removesTheSocketFolder() throws Exception {
    WorkerPool pool = new WorkerPool(Duration.ofSeconds(300));
    Path folder;
    try {
      ProcessesBackend backend = new ProcessesBackend(BackendOptions.defaults(), pool);
      backend.startCall(new ParallelBackend.CallInfo("Parallel(n_jobs=2)", "twice", 2, 0));
      for (int i = 0; i < 2; i++) {
        CompletableFuture<BatchResult> result =
            backend.submit(
                new TaskBatch(
                    List.of(delayed(ProcessesChannelTest::twice, 21)),
                    0,
                    NestedConfig.sequential(1)));
        assertThat(result.get(60, SECONDS).values()).containsExactly(42);
      }
      folder = pool.socketFolderPath().orElseThrow();
      assertThat(folder).isDirectory();
      if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        assertThat(Files.getPosixFilePermissions(folder))
            .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rwx------"));
      }
      assertThat(folder.toString().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(SocketFolder.MAX_PATH_BYTES);
      try (Stream<Path> left = Files.list(folder)) {
        assertThat(left).as("sockets left after the workers connected").isEmpty();
      }
    } finally {
      pool.shutDown();
    }

    assertThat(folder).doesNotExist();
  }

  @Test
  void create_tmpdirTooLongForASocketPath_fallsBackToTmp(@TempDir Path dir) throws IOException {
    assumeThat(Path.of("/tmp")).isDirectory();
    Path longTmp = dir.resolve("a".repeat(60)).resolve("b".repeat(60));
    Files.createDirectories(longTmp);
    String saved = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", longTmp.toString());
    SocketFolder folder;
    try {
      folder = SocketFolder.create();
    } finally {
      System.setProperty("java.io.tmpdir", saved);
    }
    try {
      assertThat(folder.path().getParent()).isEqualTo(Path.of("/tmp"));
      assertThat(folder.socket(Integer.MAX_VALUE).toString().getBytes(StandardCharsets.UTF_8))
          .hasSizeLessThanOrEqualTo(SocketFolder.MAX_PATH_BYTES);
    } finally {
      folder.delete();
    }
    assertThat(folder.path()).doesNotExist();
  }

  @Test
  void submit_socketFolderCannotBeCreated_failsNamingTheTemporaryFolder(@TempDir Path dir)
      throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    String saved = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", notAFolder.toString());
    WorkerPool pool = new WorkerPool(Duration.ofSeconds(300));
    try {
      assertThatThrownBy(() -> pool.resize(1))
          .isInstanceOf(JoblibException.class)
          .hasMessageContaining(notAFolder.toString())
          .hasMessageContaining("-Djava.io.tmpdir");
    } finally {
      System.setProperty("java.io.tmpdir", saved);
      pool.shutDown();
    }
  }

  /** Checks that the shared pool still runs a call correctly. */
  private static void assertPoolUsable() {
    List<Task<Integer>> tasks =
        IntStream.range(0, 10).mapToObj(i -> delayed(ProcessesChannelTest::twice, i)).toList();
    List<Integer> again = assertTimeoutPreemptively(PROMPTLY, () -> processes().run(tasks));
    assertThat(again).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
  }

  /**
   * Runs {@code body} with System.out captured, waits (bounded) until every one of {@code expected}
   * has arrived, and returns what was captured.
   */
  private static String captureStdout(Runnable body, String... expected) {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Supplier<String> text = () -> captured.toString(StandardCharsets.UTF_8);
    try {
      body.run();
      ProcessesBackendTest.waitUntil(
          () -> {
            String t = text.get();
            for (String e : expected) {
              if (!t.contains(e)) {
                return false;
              }
            }
            return true;
          });
    } finally {
      System.setOut(saved);
    }
    return text.get();
  }
}
