package org.joblib4j.local.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Delayed.delayed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.joblib4j.Task;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SplittableRunTest {
  private static final int N = 300;
  private static final AtomicIntegerArray RUNS = new AtomicIntegerArray(N);

  static int record(int i, int sleepMillis) {
    RUNS.incrementAndGet(i);
    if (sleepMillis > 0) {
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (i == failAt) {
      throw new IllegalStateException("task " + i);
    }
    return i * 3;
  }

  private static volatile int failAt = -1;

  private static TaskBatch batch() {
    List<Task<?>> tasks = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      // Every 37th task is slow enough to look stuck to a thief that asks for 1 ms.
      tasks.add(delayed(SplittableRunTest::record, i, i % 37 == 5 ? 4 : 0));
    }
    return new TaskBatch(tasks, 0, NestedConfig.sequential(1));
  }

  /** Runs the batch with thieves that split it as fast as they can; returns its one outcome. */
  private static BatchResult runWithThieves(
      TaskBatch batch, ConcurrentLinkedQueue<int[]> reports, int thieves) throws Exception {
    for (int i = 0; i < N; i++) {
      RUNS.set(i, 0);
    }
    List<BatchResult> outcomes = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    SplittableRun run =
        new SplittableRun(
            batch,
            (offset, values) -> {
              for (int k = 0; k < values.size(); k++) {
                reports.add(new int[] {offset + k, (Integer) values.get(k)});
              }
            },
            r -> {
              synchronized (outcomes) {
                outcomes.add(r);
              }
              done.countDown();
            });
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < thieves; t++) {
      Thread thief =
          new Thread(
              () -> {
                while (!stop.get()) {
                  SplittableRun.Segment s = run.split(1_000_000L);
                  if (s != null) {
                    run.run(s);
                  } else {
                    Thread.onSpinWait();
                  }
                }
              });
      thief.start();
      threads.add(thief);
    }
    run.run();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(outcomes).hasSize(1);
    return outcomes.get(0);
  }

  @RepeatedTest(5)
  void split_byThievesAtAnyTime_runsEveryTaskOnceAndKeepsEveryResultInPlace() throws Exception {
    failAt = -1;
    ConcurrentLinkedQueue<int[]> reports = new ConcurrentLinkedQueue<>();

    BatchResult outcome = runWithThieves(batch(), reports, 3);

    assertThat(outcome.failure()).isNull();
    List<@Nullable Object> values = outcome.values();
    for (int i = 0; i < N; i++) {
      assertThat(RUNS.get(i)).as("runs of task %d", i).isEqualTo(1);
      assertThat(values.get(i)).isEqualTo(i * 3);
    }
    // Early reports hold right values, each task at most once.
    boolean[] seen = new boolean[N];
    for (int[] r : reports) {
      assertThat(seen[r[0]]).as("task %d reported twice", r[0]).isFalse();
      seen[r[0]] = true;
      assertThat(r[1]).isEqualTo(r[0] * 3);
    }
  }

  @Test
  void split_whenATaskFails_reportsThatTaskAndStartsNoneAfterTheFailureIsKnown() throws Exception {
    failAt = 100;
    try {
      BatchResult outcome = runWithThieves(batch(), new ConcurrentLinkedQueue<>(), 2);

      assertThat(outcome.failure()).hasMessage("task 100");
      assertThat(outcome.failedOffset()).isEqualTo(100);
      for (int i = 0; i < N; i++) {
        assertThat(RUNS.get(i)).isLessThanOrEqualTo(1);
      }
    } finally {
      failAt = -1;
    }
  }

  @Test
  void split_ofASegmentThatMoves_takesNothing() {
    TaskBatch batch = batch();
    SplittableRun run = new SplittableRun(batch, null, r -> {});

    // Nothing runs yet: no segment is running, so nothing is stuck.
    assertThat(run.split(0)).isNull();
    assertThat(run.giveAway(0)).isEqualTo(-1);
  }

  @Test
  void giveAway_lowersTheEndOfWhatRunsHere() throws Exception {
    failAt = -1;
    CountDownLatch inSlowTask = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Task<?>> tasks = new ArrayList<>();
    tasks.add(
        delayed(
            (Integer x) -> {
              inSlowTask.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return x;
            },
            0));
    for (int i = 1; i < 10; i++) {
      tasks.add(delayed((Integer x) -> x, i));
    }
    BatchResult[] outcome = new BatchResult[1];
    SplittableRun run =
        new SplittableRun(
            new TaskBatch(tasks, 0, NestedConfig.sequential(1)), null, r -> outcome[0] = r);
    Thread runner = new Thread(run::run);
    runner.start();
    inSlowTask.await();

    assertThat(run.giveAway(0)).as("first look only notes where the run is").isEqualTo(-1);
    int cut = run.giveAway(0);
    release.countDown();
    runner.join();

    // Nine tasks were unstarted: the second half of them, from task 5, went away.
    assertThat(cut).isEqualTo(5);
    assertThat(run.end()).isEqualTo(5);
    assertThat(outcome[0].values().subList(0, 5)).containsExactly(0, 1, 2, 3, 4);
    assertThat(outcome[0].values().subList(5, 10)).containsOnlyNulls();
  }
}
