package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.BlockStatus;
import org.apache.spark.storage.BroadcastBlockId;
import org.joblib4j.Joblib;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.spi.BackendOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/** The spark backend on the embedded {@code local[2]} context the build configures. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkBackendTest {
  private static SparkContext sc;
  private static final ConcurrentLinkedQueue<Properties> JOBS = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void context() {
    try (SparkBackend backend = SparkBackend.create(BackendOptions.defaults())) {
      sc = backend.context();
    }
    sc.addSparkListener(
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart jobStart) {
            JOBS.add(jobStart.properties());
          }
        });
  }

  @Test
  void run_squares_returnsResultsInInputOrder() {
    List<Integer> squares =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .run(IntStream.range(0, 200).mapToObj(i -> delayed(SparkBackendTest::square, i)));

    assertThat(squares)
        .isEqualTo(IntStream.range(0, 200).map(i -> i * i).boxed().collect(Collectors.toList()));
  }

  @Test
  void run_taskThrows_causeHasOriginalTypeAndMessage() {
    Parallel parallel = new Parallel().backend("spark").nJobs(2);

    assertThatThrownBy(
            () ->
                parallel.run(
                    IntStream.range(0, 20).mapToObj(i -> delayed(SparkBackendTest::failAt7, i))))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("failAt7")
        .cause()
        .isInstanceOf(BadInput.class)
        .hasMessage("bad input 7");
  }

  @Test
  void run_taskCapturesUnserializableValue_failsBeforeAnyTaskRuns() {
    AtomicInteger ran = RAN;
    ran.set(0);
    Thread notData = new Thread(() -> {});

    assertThatThrownBy(
            () ->
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .run(
                        Stream.of(
                            delayed(() -> RAN.incrementAndGet()),
                            delayed(() -> notData.getName()))))
        .hasMessageContaining("java.lang.Thread")
        .satisfies(
            e ->
                assertThat(
                        e instanceof SerializationException
                            || e.getCause() instanceof SerializationException)
                    .as("a SerializationException, got %s", e)
                    .isTrue());
    assertThat(ran.get()).isZero();
  }

  @Test
  void run_firstTaskThrowsWhileOthersSleep_cancelsThemByTagAndFreesTheSlots() throws Exception {
    INTERRUPTED.set(0);
    long start = System.nanoTime();

    assertThatThrownBy(
            () ->
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .batchSize(1)
                    .run(
                        IntStream.range(0, 4)
                            .mapToObj(i -> delayed(SparkBackendTest::sleepOrFail, i))))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(BadInput.class);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    awaitNoActiveJobs();
    awaitInterrupted();
    assertThat(INTERRUPTED.get()).as("sleeping tasks interrupted").isGreaterThanOrEqualTo(1);
    // Both slots are free: two tasks that wait for each other both run at once.
    GATE.set(new CountDownLatch(2));
    List<Boolean> met =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(SparkBackendTest::meet, i)));
    assertThat(met).containsExactly(true, true);
  }

  @Test
  void run_sameLargeArgumentInManyTasks_isBroadcastAndDecodedOnce() {
    Blob blob = new Blob(new byte[3 << 20]);
    Blob.DECODED.set(0);

    List<Integer> sizes =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .run(
                IntStream.range(0, 12).mapToObj(i -> delayed(SparkBackendTest::blobSize, blob, i)));

    assertThat(sizes).hasSize(12).containsOnly((3 << 20) + 0).isNotEmpty();
    assertThat(Blob.DECODED.get()).isEqualTo(1);
  }

  @Test
  void run_largeArgument_broadcastLivesDuringTheCallAndIsDestroyedAtItsEnd() throws Exception {
    byte[] noise = new byte[3 << 20];
    new Random(7).nextBytes(noise);
    Blob blob = new Blob(noise);

    List<Integer> seenByTasks =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .run(
                IntStream.range(0, 4)
                    .mapToObj(i -> delayed(SparkBackendTest::largePiecesSeen, blob, i)));

    assertThat(seenByTasks).allSatisfy(n -> assertThat(n).isPositive());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (largeBroadcastPieces() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(largeBroadcastPieces()).isZero();
  }

  /** Counts the broadcast pieces over 1 MB that the block manager master knows of. */
  static int largeBroadcastPieces() {
    BlockManagerMaster master = SparkEnv.get().blockManager().master();
    int large = 0;
    for (BlockId id :
        CollectionConverters.asJava(master.getMatchingBlockIds(new IsPiece(), false))) {
      for (BlockStatus status :
          CollectionConverters.asJava(master.getBlockStatus(id, false)).values()) {
        if (status.memSize() + status.diskSize() > (1 << 20)) {
          large++;
          break;
        }
      }
    }
    return large;
  }

  static int largePiecesSeen(Blob blob, int i) {
    return largeBroadcastPieces();
  }

  /** Matches the pieces of broadcast variables. */
  static final class IsPiece extends AbstractFunction1<BlockId, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(BlockId id) {
      return id instanceof BroadcastBlockId b && b.field().startsWith("piece");
    }
  }

  @Test
  void run_largeArgumentBelowDisabledThreshold_isShippedWithEveryBatch() {
    Blob blob = new Blob(new byte[3 << 20]);
    Blob.DECODED.set(0);

    new Parallel()
        .backend("spark")
        .nJobs(2)
        .batchSize(1)
        .maxNbytes((Long) null)
        .run(IntStream.range(0, 6).mapToObj(i -> delayed(SparkBackendTest::blobSize, blob, i)));

    assertThat(Blob.DECODED.get()).isEqualTo(6);
  }

  @Test
  void effectiveNJobs_minusOne_isTheContextsTaskSlots() {
    try (ParallelConfig.Scope scope = ParallelConfig.backend("spark").nJobs(-1).enter()) {
      assertThat(Joblib.effectiveNJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope scope = ParallelConfig.backend("spark").nJobs(-2).enter()) {
      assertThat(Joblib.effectiveNJobs()).isEqualTo(1);
    }
  }

  @Test
  void run_nJobsUnset_usesEveryTaskSlotAtOnce() {
    GATE.set(new CountDownLatch(2));

    List<Boolean> met =
        new Parallel()
            .backend("spark")
            .batchSize(1)
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(SparkBackendTest::meet, i)));

    assertThat(met).containsExactly(true, true);
  }

  @Test
  void run_oneCall_jobsCarryOneTagAndADescriptionNamingTheCallAndFunction() {
    JOBS.clear();

    new Parallel()
        .backend("spark")
        .nJobs(2)
        .batchSize(1)
        .run(IntStream.range(0, 8).mapToObj(i -> delayed(SparkBackendTest::square, i)));

    List<Properties> jobs = new ArrayList<>(JOBS);
    assertThat(jobs).isNotEmpty();
    assertThat(jobs)
        .extracting(p -> p.getProperty("spark.job.tags"))
        .allSatisfy(t -> assertThat(t).startsWith("joblib4j-"))
        .containsOnly(jobs.get(0).getProperty("spark.job.tags"));
    assertThat(jobs)
        .extracting(p -> p.getProperty("spark.job.description"))
        .allSatisfy(d -> assertThat(d).contains("Parallel(n_jobs=2)").contains("square"));
  }

  @Test
  void streamUnordered_closedEarly_cancelsRunningJobs() throws Exception {
    INTERRUPTED.set(0);
    try (Stream<Integer> results =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .streamUnordered(
                IntStream.range(0, 6)
                    .mapToObj(i -> delayed(SparkBackendTest::quickThenSleep, i)))) {
      assertThat(results.findFirst()).contains(0);
    }
    awaitNoActiveJobs();
    awaitInterrupted();
    assertThat(INTERRUPTED.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void run_callerHasAJobTag_jobsCarryItBesideJoblib4js_andCancelJobsWithItStopsTheCall()
      throws Exception {
    JOBS.clear();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<List<String>> tagsAfter =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              sc.addJobTag("team-a");
              try {
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .batchSize(1)
                    .run(
                        IntStream.range(1, 5)
                            .mapToObj(i -> delayed(SparkBackendTest::quickThenSleep, i)));
              } catch (RuntimeException e) {
                failure.set(e);
              } finally {
                tagsAfter.set(new ArrayList<>(CollectionConverters.asJava(sc.getJobTags())));
                sc.removeJobTag("team-a");
              }
            });
    caller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (JOBS.stream().noneMatch(p -> tags(p).contains("team-a"))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(JOBS)
        .anySatisfy(
            p -> assertThat(tags(p)).contains("team-a").anyMatch(t -> t.startsWith("joblib4j")));

    long cancelled = System.nanoTime();
    sc.cancelJobsWithTag("team-a");
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(caller.isAlive()).isFalse();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cancelled)).isLessThan(20);
    assertThat(failure.get()).isNotNull();
    assertThat(tagsAfter.get()).containsExactly("team-a");
    awaitNoActiveJobs();
  }

  private static List<String> tags(Properties jobProperties) {
    String t = jobProperties.getProperty("spark.job.tags");
    return t == null ? List.of() : List.of(t.split(","));
  }

  @Test
  void run_insideSparkTask_nestedCallRunsOnThreadsBoundedByTaskCpus() {
    List<String> inner =
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .run(Stream.of(delayed(SparkBackendTest::nestedBackend, 0)));

    assertThat(inner).containsExactly("threading:1");
  }

  @Test
  void scope_libraryNamingNoBackend_runsAsSparkJobs() {
    List<long[]> squares;
    // snippet:scope
    try (ParallelConfig.Scope scope = ParallelConfig.backend("spark").enter()) {
      squares = ExampleLibrary.squaresWithPids(40); // its new Parallel() runs as Spark jobs
    }
    // end:scope

    assertThat(squares).hasSize(40);
    assertThat(squares.get(39)[0]).isEqualTo(39L * 39L);
  }

  @Test
  void run_explicitLargeBatchSize_returnsEveryResultInOrder() {
    List<Task<Integer>> tasks =
        IntStream.range(0, 10_000).mapToObj(i -> delayed(SparkBackendTest::twice, i)).toList();

    // snippet:batch-size
    List<Integer> doubled = new Parallel().backend("spark").batchSize(5000).run(tasks);
    // end:batch-size

    assertThat(doubled).hasSize(10_000);
    assertThat(doubled.get(9_999)).isEqualTo(19_998);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "java"})
  void run_resultTooDeepToSerialize_failsAsTaskFailure_andTheNextCallRuns(String serializer) {
    String previous = System.setProperty(SERIALIZER, serializer);
    try {
      resultTooDeepToSerialize();
    } finally {
      restore(previous);
    }
  }

  private static void resultTooDeepToSerialize() {
    Parallel parallel = new Parallel().backend("spark").nJobs(2).batchSize(1);

    assertThatThrownBy(
            () ->
                parallel.run(
                    IntStream.range(0, 4)
                        .mapToObj(i -> delayed(SparkBackendTest::chain, i == 2 ? 100_000 : 1))))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("Task 2")
        .cause()
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("stack")
        .hasMessageContaining(Link.class.getName());
    assertThat(
            parallel.run(IntStream.range(0, 6).mapToObj(i -> delayed(SparkBackendTest::square, i))))
        .containsExactly(0, 1, 4, 9, 16, 25);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "java"})
  void run_argumentOverflowsTheStackWhenExecutorReadsIt_failsAsTaskFailure_andTheNextCallRuns(
      String serializer) {
    String previous = System.setProperty(SERIALIZER, serializer);
    try {
      argumentOverflowsTheStackWhenRead();
    } finally {
      restore(previous);
    }
  }

  private static void argumentOverflowsTheStackWhenRead() {
    Parallel parallel = new Parallel().backend("spark").nJobs(2).batchSize(1);

    assertThatThrownBy(
            () ->
                parallel.run(
                    IntStream.range(0, 4)
                        .mapToObj(i -> delayed(SparkBackendTest::depth, new Deep(i == 1)))))
        .satisfies(
            e ->
                assertThat(
                        e instanceof TaskFailedException
                            && e.getCause() instanceof SerializationException)
                    .as("a TaskFailedException caused by a SerializationException, got %s", e)
                    .isTrue())
        .cause()
        .hasMessageContaining("stack");
    assertThat(
            parallel.run(IntStream.range(0, 6).mapToObj(i -> delayed(SparkBackendTest::square, i))))
        .containsExactly(0, 1, 4, 9, 16, 25);
  }

  private static final String SERIALIZER = "joblib4j.serializer";

  private static void restore(String previous) {
    if (previous == null) {
      System.clearProperty(SERIALIZER);
    } else {
      System.setProperty(SERIALIZER, previous);
    }
  }

  /** Returns a linked chain of {@code n} plain objects: serializing it recurses once per link. */
  static Link chain(int n) {
    Link head = null;
    for (int i = 0; i < n; i++) {
      head = new Link(head);
    }
    return head;
  }

  static boolean depth(Deep deep) {
    return deep.overflow;
  }

  /** A plain object with a reference to the next one. */
  static final class Link implements Serializable {
    private static final long serialVersionUID = 1L;
    final Link next;

    Link(Link next) {
      this.next = next;
    }
  }

  /** A value that overflows the reading thread's stack when it is deserialized, if asked to. */
  static final class Deep implements Serializable {
    private static final long serialVersionUID = 1L;
    final boolean overflow;

    Deep(boolean overflow) {
      this.overflow = overflow;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (overflow) {
        recurse(0);
      }
    }

    private static int recurse(int n) {
      return recurse(n + 1) + 1;
    }
  }

  static int twice(int i) {
    return 2 * i;
  }

  /**
   * Waits, at most 15 s, for a task to see its interrupt: Spark reports a cancelled job inactive at
   * once, while the executor interrupts the task's thread a moment later.
   */
  private static void awaitInterrupted() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (INTERRUPTED.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static void awaitNoActiveJobs() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (sc.statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(sc.statusTracker().getActiveJobIds()).isEmpty();
  }

  static final AtomicInteger RAN = new AtomicInteger();
  static final AtomicInteger INTERRUPTED = new AtomicInteger();
  static final java.util.concurrent.atomic.AtomicReference<CountDownLatch> GATE =
      new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(0));

  static int square(int i) {
    return i * i;
  }

  static int failAt7(int i) {
    if (i == 7) {
      throw new BadInput("bad input " + i);
    }
    return i;
  }

  static int sleepOrFail(int i) {
    if (i == 0) {
      sleepMillis(300);
      throw new BadInput("first task fails");
    }
    sleepMillis(60_000);
    return i;
  }

  static int quickThenSleep(int i) {
    if (i > 0) {
      sleepMillis(60_000);
    }
    return i;
  }

  static boolean meet(int i) {
    CountDownLatch gate = GATE.get();
    gate.countDown();
    try {
      return gate.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static int blobSize(Blob blob, int i) {
    return blob.bytes.length;
  }

  static String nestedBackend(int i) {
    ParallelConfig.Current current = ParallelConfig.current();
    return current.backend() + ":" + current.nJobs();
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      INTERRUPTED.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A user exception type that must reach the caller as it is. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  /** A large argument that counts how often it is deserialized. */
  static final class Blob implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger DECODED = new AtomicInteger();
    final byte[] bytes;

    Blob(byte[] bytes) {
      this.bytes = bytes;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      DECODED.incrementAndGet();
    }
  }
}
