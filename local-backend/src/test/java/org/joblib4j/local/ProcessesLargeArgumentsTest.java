package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.TaskFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Large arguments go to the workers once per call, through files removed when the call ends. */
@Timeout(value = 120, unit = SECONDS)
class ProcessesLargeArgumentsTest {
  @TempDir Path temp;

  private Parallel processes() {
    return new Parallel().backend("processes").nJobs(2).tempFolder(temp);
  }

  static double plus(double[] a, int i) {
    return a[i] + a[a.length - 1 - i];
  }

  static double sum(double[] a, int ignored) {
    return Arrays.stream(a).sum();
  }

  static String folderMode(double[] a, String folder) {
    try (Stream<Path> dirs = Files.list(Path.of(folder))) {
      Path dir = dirs.findFirst().orElseThrow();
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      return java.nio.file.attribute.PosixFilePermissions.toString(mode) + " " + a.length;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int failAt(double[] a, int i) {
    if (i == 7) {
      throw new IllegalStateException("task 7 fails");
    }
    return a.length;
  }

  static String bufferView(DoubleBuffer b, int i) {
    return b.isDirect() + " " + b.isReadOnly() + " " + b.get(i);
  }

  static double writeThenRead(DoubleBuffer b, int i) {
    b.put(i, -1.0);
    return b.get(i);
  }

  /** A 4 MB direct buffer holding 0, 1, 2, ...: above the 1 MB threshold. */
  private static DoubleBuffer bigBuffer() {
    DoubleBuffer b =
        ByteBuffer.allocateDirect(4 * 1024 * 1024).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, i);
    }
    return b;
  }

  @Test
  void run_largeBufferArgument_isMappedReadOnlyInWorkersByDefault() {
    DoubleBuffer big = bigBuffer();
    long files = LargeArguments.FILES_WRITTEN.get();

    List<String> out =
        processes()
            .run(
                IntStream.range(0, 20)
                    .mapToObj(
                        i -> delayed(ProcessesLargeArgumentsTest::bufferView, big, i * 1000)));

    assertThat(out)
        .containsExactlyElementsOf(
            IntStream.range(0, 20).mapToObj(i -> "true true " + (double) (i * 1000)).toList());
    assertThat(LargeArguments.FILES_WRITTEN.get() - files).isEqualTo(1);
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void run_largeBufferArgumentCopyOnWrite_workersWriteToTheirOwnCopy() {
    DoubleBuffer big = bigBuffer();

    List<Double> out =
        processes()
            .mmapMode(MmapMode.COPY_ON_WRITE)
            .run(
                IntStream.range(0, 20)
                    .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::writeThenRead, big, i)));

    assertThat(out).containsOnly(-1.0).hasSize(20);
    assertThat(big.get(5)).isEqualTo(5.0);
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void run_largeBufferArgumentReadOnly_aTaskWritingToItFails() {
    DoubleBuffer big = bigBuffer();

    assertThatThrownBy(
            () ->
                processes()
                    .run(Stream.of(delayed(ProcessesLargeArgumentsTest::writeThenRead, big, 3))))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(ReadOnlyBufferException.class);
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void run_largeBufferArgumentWithoutMapping_workersGetAWritableCopy() {
    DoubleBuffer big = bigBuffer();

    List<String> views =
        processes()
            .mmapMode(MmapMode.NONE)
            .run(Stream.of(delayed(ProcessesLargeArgumentsTest::bufferView, big, 7)));
    List<Double> written =
        processes()
            .mmapMode(MmapMode.NONE)
            .run(Stream.of(delayed(ProcessesLargeArgumentsTest::writeThenRead, big, 7)));

    assertThat(views).containsExactly("true false 7.0");
    assertThat(written).containsExactly(-1.0);
    assertThat(big.get(7)).isEqualTo(7.0);
  }

  @Test
  void run_smallBufferArgument_travelsInTheBatchAsACopy() {
    DoubleBuffer small = ByteBuffer.allocateDirect(8 * 100).asDoubleBuffer();
    for (int i = 0; i < 100; i++) {
      small.put(i, i);
    }
    long files = LargeArguments.FILES_WRITTEN.get();

    List<String> out =
        processes()
            .run(
                IntStream.range(0, 4)
                    .mapToObj(
                        i -> delayed(ProcessesLargeArgumentsTest::bufferView, small, i * 10)));

    assertThat(out)
        .containsExactly("true false 0.0", "true false 10.0", "true false 20.0", "true false 30.0");
    assertThat(LargeArguments.FILES_WRITTEN.get() - files).isZero();
  }

  @Test
  void run_50MbArgumentSharedBy200Tasks_isWrittenOnce() {
    double[] big = new double[50 * 1024 * 1024 / 8];
    for (int i = 0; i < big.length; i++) {
      big[i] = i;
    }
    long files = LargeArguments.FILES_WRITTEN.get();
    long bytes = LargeArguments.BYTES_WRITTEN.get();

    List<Double> out =
        processes()
            .run(
                IntStream.range(0, 200)
                    .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::plus, big, i)));

    assertThat(out).containsOnly((double) big.length - 1).hasSize(200);
    assertThat(LargeArguments.FILES_WRITTEN.get() - files).isEqualTo(1);
    assertThat(LargeArguments.BYTES_WRITTEN.get() - bytes)
        .isBetween(50L * 1024 * 1024, 51L * 1024 * 1024);
    assertThat(temp).isEmptyDirectory();
  }

  static String workerAndCopy(double[] a, int ignored) {
    return ProcessHandle.current().pid() + ":" + System.identityHashCode(a);
  }

  @Test
  void run_largeArgumentSharedByTasks_eachWorkerReadsItOncePerCall() {
    double[] big = new double[200_000];

    List<String> first =
        processes()
            .batchSize(1)
            .run(
                IntStream.range(0, 40)
                    .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::workerAndCopy, big, i)));
    List<String> second =
        processes()
            .batchSize(1)
            .run(
                IntStream.range(0, 40)
                    .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::workerAndCopy, big, i)));

    long workers = first.stream().map(s -> s.split(":")[0]).distinct().count();
    assertThat(first.stream().distinct().count()).isEqualTo(workers);
    assertThat(second.stream().distinct()).doesNotContainAnyElementsOf(first);
  }

  @Test
  void run_largeArgument_privateFolderDuringCallAndNothingLeftAfter() {
    double[] big = new double[200_000];

    List<String> modes =
        processes()
            .run(Stream.of(delayed(ProcessesLargeArgumentsTest::folderMode, big, temp.toString())));

    assertThat(modes).containsExactly("rwx------ 200000");
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void run_largeArgument_removesFoldersLeftByKilledOwners_andKeepsLiveOnes() throws Exception {
    Process owner = new ProcessBuilder("sleep", "60").start();
    long dead = owner.pid();
    owner.destroyForcibly().waitFor(); // kill -9: no shutdown hook of the owner ran
    Path orphan = Files.createDirectory(temp.resolve("joblib4j-processes-" + dead + "-123"));
    Files.writeString(orphan.resolve("arg-1.bin"), "left by a killed parent");
    long alive = ProcessHandle.current().parent().orElseThrow().pid();
    Path live = Files.createDirectory(temp.resolve("joblib4j-processes-" + alive + "-456"));
    Path other = Files.createDirectory(temp.resolve("not-joblib4j-" + dead));

    List<Double> sums =
        processes()
            .run(Stream.of(delayed(ProcessesLargeArgumentsTest::sum, new double[200_000], 0)));

    assertThat(sums).containsExactly(0.0);
    assertThat(orphan).doesNotExist();
    assertThat(live).isDirectory();
    assertThat(other).isDirectory();
  }

  @Test
  void run_smallArgumentsOrMaxNbytesDisabled_writeNoFile() {
    double[] big = new double[200_000];
    long files = LargeArguments.FILES_WRITTEN.get();

    processes()
        .run(
            IntStream.range(0, 10)
                .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::sum, new double[100], i)));
    processes()
        .maxNbytes((Long) null)
        .run(
            IntStream.range(0, 10)
                .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::sum, big, i)));

    assertThat(LargeArguments.FILES_WRITTEN.get()).isEqualTo(files);
  }

  @Test
  void run_largeObjectThatIsNotAnArray_isWrittenOnce() {
    List<double[]> chunks = List.of(new double[100_000], new double[100_000]);
    long files = LargeArguments.FILES_WRITTEN.get();

    List<Integer> out =
        processes()
            .run(
                IntStream.range(0, 20)
                    .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::chunkCount, chunks, i)));

    assertThat(out).containsOnly(2);
    assertThat(LargeArguments.FILES_WRITTEN.get() - files).isEqualTo(1);
    assertThat(temp).isEmptyDirectory();
  }

  static int chunkCount(List<double[]> chunks, int ignored) {
    return chunks.size();
  }

  @Test
  void run_taskFailsWithLargeArgument_noTempFileLeft() {
    double[] big = new double[200_000];

    assertThatThrownBy(
            () ->
                processes()
                    .run(
                        IntStream.range(0, 20)
                            .mapToObj(i -> delayed(ProcessesLargeArgumentsTest::failAt, big, i))))
        .isInstanceOf(TaskFailedException.class)
        .hasRootCauseMessage("task 7 fails");

    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void run_1000CallsWithLargeArguments_noTempFileLeft() {
    Parallel p = processes().maxNbytes(1000L);
    long files = LargeArguments.FILES_WRITTEN.get();
    for (int call = 0; call < 1_000; call++) {
      double[] arg = new double[200];
      arg[0] = call;
      assertThat(
              p.run(
                  Stream.of(
                      delayed(ProcessesLargeArgumentsTest::plus, arg, 0),
                      delayed(ProcessesLargeArgumentsTest::plus, arg, 1))))
          .containsExactly((double) call, 0.0);
    }

    assertThat(LargeArguments.FILES_WRITTEN.get() - files).isEqualTo(1_000);
    assertThat(temp).isEmptyDirectory();
  }
}
