package org.joblib4j.local;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.ParallelBackend.EarlyResults;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * A part of one serialized batch on its way to a worker JVM: at first the whole batch, later, when
 * a worker gives back tasks it has not started, a range of it. The parts of a batch share one
 * {@link Outcome}, which completes the batch's future when the last part is done.
 *
 * <p>Thread-safe as the pool uses it: {@link #to} changes under the pool's lock, {@link #received}
 * belongs to the reader of the worker that runs the part.
 */
final class Job {
  private static final AtomicLong PARTS = new AtomicLong();

  private final Object owner;
  private final byte[] payload;
  private final int length;
  private final Serializer serializer;
  private final ClassLoader loader;
  private final String callName;
  private final Outcome outcome;

  /** The parent's name for this part, echoed by the worker's CUT frame. */
  final long part = PARTS.incrementAndGet();

  /** The first task of the batch this part runs. */
  final int from;

  /** The end of the tasks it runs; lowered when its worker gives the rest back. */
  volatile int to;

  /** The end of the results received for it so far, from {@link #from}; its reader's only. */
  int received;

  /**
   * Creates the job of a whole batch of {@code size} tasks.
   *
   * @param owner the backend that submitted it, so that its cancelAll finds it
   * @param payload the batch frame's bytes after the part's range, {@code length} of them
   * @param serializer the serializer the batch was written with, for the results
   * @param loader the class loader results are read with: the submitting thread's context loader
   * @param callName the call's name, for errors
   * @param early takes the results the worker reports while the batch runs; null when the call
   *     wants none
   */
  Job(
      Object owner,
      byte[] payload,
      int length,
      int size,
      Serializer serializer,
      ClassLoader loader,
      String callName,
      @Nullable EarlyResults early) {
    this(owner, payload, length, serializer, loader, callName, new Outcome(size, early), 0, size);
  }

  private Job(
      Object owner,
      byte[] payload,
      int length,
      Serializer serializer,
      ClassLoader loader,
      String callName,
      Outcome outcome,
      int from,
      int to) {
    this.owner = owner;
    this.payload = payload;
    this.length = length;
    this.serializer = serializer;
    this.loader = loader;
    this.callName = callName;
    this.outcome = outcome;
    this.from = from;
    this.to = to;
    this.received = from;
    outcome.partAdded();
  }

  /**
   * Ends this part at {@code cut} and returns a new part for the tasks from {@code cut} to its old
   * end; called under the pool's lock.
   */
  Job splitAt(int cut) {
    Job rest = new Job(owner, payload, length, serializer, loader, callName, outcome, cut, to);
    to = cut;
    return rest;
  }

  Object owner() {
    return owner;
  }

  byte[] payload() {
    return payload;
  }

  int length() {
    return length;
  }

  Serializer serializer() {
    return serializer;
  }

  ClassLoader loader() {
    return loader;
  }

  String callName() {
    return callName;
  }

  /** Returns the future of the whole batch, which every part shares. */
  CompletableFuture<BatchResult> future() {
    return outcome.future;
  }

  /** Returns whether the part's batch wants its results early. */
  boolean wantsEarly() {
    return outcome.early != null;
  }

  /** Takes results of this part that arrived before it ended, and reports them. */
  void early(int offset, @Nullable Object[] values) {
    System.arraycopy(values, 0, outcome.values, offset, values.length);
    received = offset + values.length;
    EarlyResults sink = outcome.early;
    if (sink != null) {
      sink.arrived(offset, Arrays.asList(values));
    }
  }

  /** Takes the last results of this part; the batch completes when every part has. */
  void done(@Nullable Object[] values, long runNanos) {
    if (received + values.length != to) {
      throw new IllegalStateException(
          "A worker returned "
              + values.length
              + " results for tasks "
              + received
              + " to "
              + (to - 1));
    }
    System.arraycopy(values, 0, outcome.values, received, values.length);
    int offset = received;
    received = to;
    outcome.partDone(offset, values, runNanos);
  }

  /** Ends the batch with a task's failure, or with results that could not be read back. */
  void failed(int offset, Throwable failure) {
    outcome.future.complete(BatchResult.failure(offset, failure));
  }

  /** The state the parts of one batch share. */
  private static final class Outcome {
    final @Nullable Object[] values;
    final @Nullable EarlyResults early;
    final CompletableFuture<BatchResult> future = new CompletableFuture<>();
    private int open;
    private long runNanos;

    Outcome(int size, @Nullable EarlyResults early) {
      this.values = new Object[size];
      this.early = early;
    }

    synchronized void partAdded() {
      open++;
    }

    /**
     * Ends a part whose last results, from {@code offset}, are {@code last}: they are reported
     * early while other parts still run, so they never wait for a slow task of another part.
     */
    void partDone(int offset, @Nullable Object[] last, long nanos) {
      boolean done;
      synchronized (this) {
        runNanos += Math.max(0, nanos);
        done = --open == 0;
      }
      if (done) {
        future.complete(BatchResult.success(values, runNanos));
      } else if (early != null && last.length > 0) {
        early.arrived(offset, Arrays.asList(last));
      }
    }
  }
}
