package org.joblib4j.local;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.Joblib;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.local.worker.BatchCodec;
import org.joblib4j.local.worker.FrameBuffer;
import org.joblib4j.local.worker.Protocol;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs batches on the process-wide {@link WorkerPool} of worker JVMs, for one call or one session.
 * Batches are serialized on the caller's thread, so a task that cannot be serialized fails before
 * anything of its batch is sent; large arguments go through {@link LargeArguments}.
 */
final class ProcessesBackend implements ParallelBackend {
  private static final AtomicLong CALL_IDS = new AtomicLong();

  private final BackendOptions options;
  private final WorkerPool pool;
  private @Nullable LargeArguments large;
  private long callId;
  private String callName = "Parallel";

  ProcessesBackend(BackendOptions options, WorkerPool pool) {
    this.options = options;
    this.pool = pool;
    Integer nJobs = options.nJobs();
    if (nJobs != null && effectiveNJobs(nJobs) > 1) {
      pool.prestart(effectiveNJobs(nJobs));
    }
  }

  @Override
  public int effectiveNJobs(int nJobs) {
    return nJobs > 0 ? nJobs : Math.max(Joblib.cpuCount() + 1 + nJobs, 1);
  }

  @Override
  public void startCall(CallInfo call) {
    callId = CALL_IDS.incrementAndGet();
    callName = call.name();
    large =
        options.maxNbytes() >= 0
            ? new LargeArguments(options.tempFolder(), options.maxNbytes(), options.mmapMode())
            : null;
    pool.resize(call.nWorkers());
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch) {
    return submit(batch, null);
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch, @Nullable EarlyResults early) {
    Serializer serializer = Serializer.current();
    List<Task<?>> tasks = batch.tasks();
    LargeArguments l = large;
    if (l != null) {
      tasks = l.replaceKnown(tasks, serializer);
    }
    FrameBuffer payload = encode(batch, tasks, serializer, early != null);
    if (l != null && payload.size() > options.maxNbytes()) {
      List<Task<?>> measured = l.replaceMeasured(tasks, serializer);
      if (measured != tasks) {
        payload = encode(batch, measured, serializer, early != null);
      }
    }
    if (payload.size() >= Protocol.MAX_FRAME - 17) {
      throw new SerializationException(
          String.format(
              Locale.ROOT,
              "A batch of %s serialized to %d bytes, more than a frame holds; pass large values"
                  + " as task arguments with maxNbytes enabled, or make the batches smaller",
              callName,
              payload.size()),
          null);
    }
    Job job =
        new Job(
            this,
            payload.array(),
            payload.size(),
            batch.size(),
            serializer,
            Serializer.contextLoader(),
            callName,
            early);
    pool.submit(job);
    return job.future();
  }

  private FrameBuffer encode(
      TaskBatch batch, List<Task<?>> tasks, Serializer serializer, boolean early) {
    FrameBuffer out = new FrameBuffer(128 + 24 * tasks.size());
    out.putLong(callId);
    out.putString(serializer.name());
    out.putLong(batch.firstIndex());
    NestedConfig nested = batch.nested();
    out.putString(nested.backend());
    out.putInt(nested.nJobs());
    out.putInt(nested.level());
    out.putByte(early ? 1 : 0);
    BatchCodec.writeTasks(out, tasks, batch.firstIndex(), serializer);
    return out;
  }

  @Override
  public void cancelAll() {
    pool.cancel(this);
  }

  @Override
  public void endCall() {
    LargeArguments l = large;
    large = null;
    if (l != null) {
      if (l.folder() != null) {
        pool.endCall(callId);
      }
      l.close();
    }
  }

  @Override
  public NestedConfig nested(CallInfo call) {
    int level = call.nestingLevel() + 1;
    return new NestedConfig(
        "threading", Math.max(Joblib.cpuCount() / Math.max(call.nWorkers(), 1), 1), level);
  }

  @Override
  public String displayName() {
    return "ProcessesBackend";
  }

  @Override
  public void close() {
    pool.cancel(this);
    endCall();
  }
}
