package org.joblib4j.local.worker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.joblib4j.Delayed;
import org.joblib4j.SerializableFunction;
import org.joblib4j.Task;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.FailureCodec;
import org.joblib4j.spi.LargeArgumentPolicy;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * The main class of a worker JVM of the {@code processes} backend. Not an API: the parent starts it
 * with its own class path and talks to it in {@link Protocol} frames over a Unix-domain socket
 * whose path it passes on the command line.
 *
 * <pre>
 * Design note. The first thing the worker does is connect to the parent's socket; the channel is
 * that socket and nothing else, so no stream a task can reach (System.out, System.in, file
 * descriptors 0 to 2, a child process that inherits them, native code) can corrupt it. What the
 * worker writes to its standard output and standard error is output, which the parent copies to its
 * own; System.out points at standard error, so what tasks print with it reaches the parent's
 * standard error. The main thread reads the parent's frames and queues batches for a runner
 * thread, which runs them one at a time and writes the answers, so the parent cancels a batch by
 * killing the process. The reader answers a SPLIT frame at once, while a batch runs: it gives back
 * a queued batch whole, or the unstarted second half of the running batch when its task has run
 * for 10 ms or more (SplittableRun), so that the parent can run that part on an idle worker.
 * Answers are written under the output's lock, and a CUT before the RESULT of the batch it cut. The worker exits when the socket
 * closes (the parent retired it, or died) and, as a second guard, when the parent process ends.
 * Large arguments arrive as ArgumentRefs; each file is read once per call and kept in a cache that
 * the call's END_CALL frame, or the first batch of another call, clears.
 * </pre>
 */
public final class WorkerMain {
  private final DataInputStream in;
  private final DataOutputStream out;
  private final ClassLoader loader;
  private final Map<String, @Nullable Object> largeArguments = new HashMap<>();
  private long callId = Long.MIN_VALUE;
  // Written by the runner thread, under out's lock.
  private final FrameBuffer buffer = new FrameBuffer(8192);
  // Written by the reader thread, under out's lock.
  private final FrameBuffer splitAnswer = new FrameBuffer(16);
  // The frames the reader took and the runner has not started, guarded by its own lock.
  private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
  private boolean closed;
  // Whether the runner took a batch from the inbox and has not published its run yet.
  private volatile boolean starting;
  private volatile @Nullable SplittableRun current;
  private volatile long currentPart;
  private volatile @Nullable IOException runnerFailure;

  private WorkerMain(DataInputStream in, DataOutputStream out, ClassLoader loader) {
    this.in = in;
    this.out = out;
    this.loader = loader;
  }

  /**
   * Runs the worker until the parent closes its socket. The arguments are the parent's process id
   * and the path of the socket to connect to.
   */
  public static void main(String[] args) throws IOException {
    System.setOut(System.err);
    if (args.length != 2) {
      System.err.println(
          "joblib4j worker: expected the parent's process id and a socket path, got "
              + Arrays.toString(args)
              + "; worker JVMs are started by the processes backend, not by hand");
      System.exit(2);
    }
    long parentPid = Long.parseLong(args[0]);
    Path socket = Path.of(args[1]);
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "joblib4j worker: could not connect to the parent at " + socket + ": " + e);
      if (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
        System.exit(2);
      }
      abandon(socket);
      Runtime.getRuntime().halt(1);
      return;
    }
    DataOutputStream out = Protocol.output(channel);
    DataInputStream in = Protocol.input(channel);
    out.write(Protocol.MAGIC);
    out.flush();
    watchParent(parentPid, socket);
    Thread warmUp = new Thread(WorkerMain::warmUp, "joblib4j-worker-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    ClassLoader loader = Serializer.contextLoader();
    new WorkerMain(in, out, loader).loop();
    out.flush();
    System.exit(0);
  }

  /**
   * Reads the parent's frames on this thread and runs batches on another, so that a SPLIT frame is
   * answered while a batch runs.
   */
  private void loop() throws IOException {
    Thread runner = new Thread(this::runBatches, "joblib4j-worker-runner");
    runner.setDaemon(true);
    runner.start();
    try {
      while (true) {
        byte[] frame;
        try {
          frame = Protocol.readFrame(in);
        } catch (EOFException e) {
          return;
        }
        if (frame[0] == Protocol.SPLIT) {
          split();
        } else if (frame[0] == Protocol.BATCH || frame[0] == Protocol.END_CALL) {
          synchronized (inbox) {
            inbox.addLast(frame);
            inbox.notifyAll();
          }
        } else {
          throw new IOException("Unexpected frame type " + frame[0] + " from the parent");
        }
      }
    } finally {
      synchronized (inbox) {
        closed = true;
        inbox.notifyAll();
      }
      try {
        runner.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      IOException failed = runnerFailure;
      if (failed != null) {
        throw failed;
      }
    }
  }

  /** Runs the batches the reader queues, in order, until the parent closes the socket. */
  private void runBatches() {
    try {
      while (true) {
        byte[] frame;
        synchronized (inbox) {
          while (inbox.isEmpty() && !closed) {
            inbox.wait();
          }
          frame = inbox.pollFirst();
          if (frame == null) {
            return;
          }
          if (frame[0] == Protocol.BATCH) {
            starting = true;
          }
        }
        if (frame[0] == Protocol.END_CALL) {
          if (new FrameBuffer.Reader(frame, 1).getLong() == callId) {
            largeArguments.clear();
          }
          continue;
        }
        runBatch(frame);
      }
    } catch (IOException e) {
      runnerFailure = e;
    } catch (InterruptedException e) {
      // Only this JVM's exit interrupts it.
    }
  }

  /**
   * Answers the parent's SPLIT frame with a CUT frame: gives back a batch that waits in the inbox,
   * whole, or else the second half of the unstarted tasks of the running batch when its task has
   * run long (see SplittableRun), or nothing.
   */
  private void split() throws IOException {
    long part = 0;
    int cut = -1;
    synchronized (out) {
      synchronized (inbox) {
        for (Iterator<byte[]> it = inbox.iterator(); it.hasNext(); ) {
          byte[] queued = it.next();
          if (queued[0] == Protocol.BATCH) {
            it.remove();
            FrameBuffer.Reader r = new FrameBuffer.Reader(queued, 1);
            cut = r.getInt();
            r.getInt();
            part = r.getLong();
            break;
          }
        }
      }
      SplittableRun run = current;
      if (cut < 0 && run != null && !starting) {
        cut = run.giveAway(SplittableRun.STALLED_NANOS);
        part = currentPart;
      }
      splitAnswer.clear();
      splitAnswer.putLong(part);
      splitAnswer.putInt(cut);
      Protocol.writeFrame(out, Protocol.CUT, splitAnswer.array(), splitAnswer.size());
    }
  }

  private void runBatch(byte[] frame) throws IOException {
    FrameBuffer.Reader d = new FrameBuffer.Reader(frame, 1);
    int from = d.getInt();
    int to = d.getInt();
    long part = d.getLong();
    long call = d.getLong();
    Serializer serializer = Serializer.named(d.getString());
    long firstIndex = d.getLong();
    NestedConfig nested = new NestedConfig(d.getString(), d.getInt(), d.getInt());
    boolean reportEarly = d.getByte() == 1;
    if (call != callId) {
      largeArguments.clear();
      callId = call;
    }
    TaskBatch batch;
    try {
      Task<?>[] tasks = BatchCodec.readTasks(d, serializer, loader);
      batch = new TaskBatch(resolve(tasks, serializer), firstIndex, nested);
    } catch (RuntimeException | IOException | LinkageError e) {
      starting = false;
      sendFailure(from, e, serializer);
      return;
    }
    EarlySender early = reportEarly ? new EarlySender(serializer) : null;
    BatchResult[] outcome = new BatchResult[1];
    SplittableRun run = new SplittableRun(batch, from, to, early, r -> outcome[0] = r);
    currentPart = part;
    current = run;
    starting = false;
    try {
      run.run();
    } catch (UnsendableResult e) {
      sendFailure(e.offset, Objects.requireNonNull(e.getCause()), serializer);
      return;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      current = null;
    }
    BatchResult result = Objects.requireNonNull(outcome[0]);
    Throwable failure = result.failure();
    if (failure != null) {
      sendFailure(result.failedOffset(), failure, serializer);
      return;
    }
    List<@Nullable Object> all = result.values();
    int sent = early == null ? from : Math.max(from, early.sent);
    Object[] values = all.subList(sent, run.end()).toArray();
    synchronized (out) {
      buffer.clear();
      buffer.putLong(result.runNanos());
      try {
        BatchCodec.writeValues(buffer, values, serializer);
      } catch (RuntimeException e) {
        sendFailure(sent + offending(values, serializer), e, serializer);
        return;
      }
      Protocol.writeFrame(out, Protocol.RESULT, buffer.array(), buffer.size());
    }
  }

  /** Sends the results of a running batch's first tasks in EARLY frames. */
  private final class EarlySender implements ParallelBackend.EarlyResults {
    private final Serializer serializer;
    int sent;

    EarlySender(Serializer serializer) {
      this.serializer = serializer;
    }

    @Override
    public void arrived(int offset, List<@Nullable Object> results) {
      Object[] values = results.toArray();
      synchronized (out) {
        buffer.clear();
        buffer.putInt(offset);
        try {
          BatchCodec.writeValues(buffer, values, serializer);
        } catch (RuntimeException e) {
          throw new UnsendableResult(offset + offending(values, serializer), e);
        }
        try {
          Protocol.writeFrame(out, Protocol.EARLY, buffer.array(), buffer.size());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      sent = offset + values.length;
    }
  }

  /** A result of a running batch that cannot be serialized, which ends the batch. */
  private static final class UnsendableResult extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int offset;

    UnsendableResult(int offset, RuntimeException cause) {
      super(cause);
      this.offset = offset;
    }
  }

  private List<Task<?>> resolve(Task<?>[] tasks, Serializer serializer) throws IOException {
    List<Task<?>> resolved = Arrays.asList(tasks);
    for (int t = 0; t < tasks.length; t++) {
      Task<?> task = tasks[t];
      List<@Nullable Object> args = task.arguments();
      List<@Nullable Object> replaced = null;
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof ArgumentRef ref) {
          if (replaced == null) {
            replaced = new ArrayList<>(args);
          }
          replaced.set(i, load(ref, serializer));
        }
      }
      if (replaced != null) {
        resolved.set(t, task.withArguments(replaced));
      }
    }
    return resolved;
  }

  private @Nullable Object load(ArgumentRef ref, Serializer serializer) throws IOException {
    if (largeArguments.containsKey(ref.path())) {
      return largeArguments.get(ref.path());
    }
    Object value =
        LargeArgumentPolicy.read(Path.of(ref.path()), serializer, ref.mmapMode(), loader);
    largeArguments.put(ref.path(), value);
    return value;
  }

  private static int offending(Object[] values, Serializer serializer) {
    for (int i = 0; i < values.length; i++) {
      try {
        serializer.write(values[i], OutputStreamSink.INSTANCE);
      } catch (RuntimeException e) {
        return i;
      }
    }
    return 0;
  }

  private void sendFailure(int offset, Throwable failure, Serializer serializer)
      throws IOException {
    byte[] encoded = FailureCodec.encode(failure, serializer);
    synchronized (out) {
      buffer.clear();
      buffer.putInt(offset);
      buffer.write(encoded, 0, encoded.length);
      Protocol.writeFrame(out, Protocol.FAILURE, buffer.array(), buffer.size());
    }
  }

  /** Halts this JVM when the parent process ends, cleaning up after a parent that was killed. */
  private static void watchParent(long parentPid, Path socket) {
    Runnable halt =
        () -> {
          abandon(socket);
          Runtime.getRuntime().halt(1);
        };
    ProcessHandle.of(parentPid).ifPresentOrElse(parent -> parent.onExit().thenRun(halt), halt);
  }

  /**
   * Deletes the socket file and, once empty, the private folder of a parent that ended without
   * deleting them, as a parent killed with SIGKILL does. Never throws.
   */
  private static void abandon(Path socket) {
    try {
      Files.deleteIfExists(socket);
      Path folder = socket.getParent();
      if (folder != null) {
        Files.deleteIfExists(folder);
      }
    } catch (IOException | RuntimeException e) {
      // Another worker's socket is still there (that worker cleans up), or it is already gone.
    }
  }

  /**
   * Loads and links the classes every batch needs while the first batch is on its way. Kryo is left
   * to the first batch that needs it: batches of functions and common values do not.
   */
  private static void warmUp() {
    try {
      SerializableFunction<Double, Double> f = Math::abs;
      List<Task<?>> tasks = List.of(Delayed.delayed(f, 1.0));
      Serializer serializer = Serializer.named("java");
      FrameBuffer b = new FrameBuffer(256);
      BatchCodec.writeTasks(b, tasks, serializer);
      Task<?>[] back =
          BatchCodec.readTasks(
              new FrameBuffer.Reader(b.array(), 0), serializer, Serializer.contextLoader());
      b.clear();
      BatchCodec.writeValues(b, new Object[] {1.0, 1, "x"}, serializer);
      BatchCodec.readValues(
          new FrameBuffer.Reader(b.array(), 0), serializer, Serializer.contextLoader());
      new TaskBatch(Arrays.asList(back), 0, NestedConfig.sequential(1)).run();
      // A task's first failure would otherwise wait for Java serialization to load, while the
      // other workers go on and the call reads further input before it can fail.
      FailureCodec.encode(new IllegalStateException("warm-up"), serializer);
    } catch (RuntimeException e) {
      // Only a warm-up: the first batch reports any real problem.
    }
  }

  /** Discards what is written; used to find which value cannot be serialized. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
