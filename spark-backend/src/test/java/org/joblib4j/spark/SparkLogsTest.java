package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.joblib4j.Parallel;
import org.joblib4j.spi.BackendOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What Spark's log shows when joblib4j, or its user, cancels running tasks. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkLogsTest {
  private static SparkContext sc;
  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();
  private static Capture capture;

  @BeforeAll
  static void context() {
    try (SparkBackend backend = SparkBackend.create(BackendOptions.defaults())) {
      sc = backend.context();
    }
    capture = new Capture();
    capture.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().addAppender(capture, Level.WARN, null);
    context.updateLoggers();
  }

  @AfterAll
  static void removeCapture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(capture.getName());
    context.updateLoggers();
  }

  @Test
  void streamClosedEarly_theTasksItKilled_logNoWarning() throws Exception {
    WARNINGS.clear();
    try (Stream<Integer> results =
        new Parallel()
            .backend("spark").nJobs(2).batchSize(1).stream(
                IntStream.range(0, 6)
                    .mapToObj(i -> delayed(SparkBackendTest::quickThenSleep, i)))) {
      assertThat(results.findFirst()).contains(0);
    }
    awaitNoRunningTasks();

    assertThat(WARNINGS).noneMatch(w -> w.contains("TaskKilled"));
  }

  @Test
  void callCancelledByTheUsersOwnTag_theKilledTasksAreStillLogged() throws Exception {
    WARNINGS.clear();
    Thread caller =
        new Thread(
            () -> {
              sc.addJobTag("team-b");
              try {
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .batchSize(1)
                    .run(
                        IntStream.range(1, 5)
                            .mapToObj(i -> delayed(SparkBackendTest::quickThenSleep, i)));
              } catch (RuntimeException e) {
                // The cancellation ends the call; what it logs is the point here.
              } finally {
                sc.removeJobTag("team-b");
              }
            });
    caller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (runningTasks() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    sc.cancelJobsWithTag("team-b");
    caller.join(TimeUnit.SECONDS.toMillis(30));
    awaitNoRunningTasks();

    // The filter drops joblib4j's own kills only: this cancellation was the user's.
    assertThat(WARNINGS).anyMatch(w -> w.contains("TaskKilled"));
  }

  private static int runningTasks() {
    int n = 0;
    for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
      n += e.numRunningTasks();
    }
    return n;
  }

  /** Waits until the executors report no running task: the scheduler has logged every kill. */
  private static void awaitNoRunningTasks() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((runningTasks() > 0 || sc.statusTracker().getActiveJobIds().length > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(runningTasks()).isZero();
    // The scheduler logs a killed task as it takes the executor's report, on its own thread.
    Thread.sleep(300);
  }

  /** Keeps the formatted message of every warning that reaches the root logger's appenders. */
  private static final class Capture extends AbstractAppender {
    Capture() {
      super("joblib4j-test-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
        WARNINGS.add(event.getMessage().getFormattedMessage());
      }
    }
  }
}
