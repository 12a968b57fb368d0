package org.joblib4j.local.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.Delayed;
import org.joblib4j.SerializableFunction;
import org.joblib4j.Task;
import org.joblib4j.serial.Serializer;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * The main class of a worker JVM of the {@code processes} backend. Not an API: the parent starts
 * it with its own class path and talks to it in {@link Protocol} frames over its standard streams.
 *
 * <pre>
 * Design note. Standard output is the channel, so the first thing the worker does is point
 * System.out at standard error: what tasks print reaches the parent's standard error, never the
 * channel. The main thread reads a batch, runs it and writes the answer; one batch at a time, so
 * the parent cancels a batch by killing the process. The worker exits when its standard input
 * closes (the parent retired it, or died) and, as a second guard, when the parent process ends.
 * Large arguments arrive as ArgumentRefs; each file is read once per call and kept in a cache
 * that the first batch of another call clears.
 * </pre>
 */
public final class WorkerMain {
  private final DataInputStream in;
  private final DataOutputStream out;
  private final ClassLoader loader;
  private final Map<String, @Nullable Object> largeArguments = new HashMap<>();
  private long callId = Long.MIN_VALUE;
  private final Buffer buffer = new Buffer();

  private WorkerMain(DataInputStream in, DataOutputStream out, ClassLoader loader) {
    this.in = in;
    this.out = out;
    this.loader = loader;
  }

  /**
   * Runs the worker until its standard input closes. The only argument is the parent's process
   * id.
   */
  public static void main(String[] args) throws IOException {
    FileOutputStream channel = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(channel, 1 << 16));
    DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
    out.write(Protocol.MAGIC);
    out.flush();
    if (args.length > 0) {
      watchParent(Long.parseLong(args[0]));
    }
    Thread warmUp = new Thread(WorkerMain::warmUp, "joblib4j-worker-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    ClassLoader loader = Serializer.contextLoader();
    new WorkerMain(in, out, loader).loop();
    out.flush();
    System.exit(0);
  }

  private void loop() throws IOException {
    while (true) {
      byte[] frame;
      try {
        frame = Protocol.readFrame(in);
      } catch (EOFException e) {
        return;
      }
      if (frame[0] != Protocol.BATCH) {
        throw new IOException("Unexpected frame type " + frame[0] + " from the parent");
      }
      runBatch(frame);
    }
  }

  private void runBatch(byte[] frame) throws IOException {
    DataInputStream d = new DataInputStream(new ByteArrayInputStream(frame, 1, frame.length - 1));
    long call = d.readLong();
    String serializerName = d.readUTF();
    long firstIndex = d.readLong();
    NestedConfig nested = new NestedConfig(d.readUTF(), d.readInt(), d.readInt());
    Serializer serializer = Serializer.byName(serializerName);
    if (call != callId) {
      largeArguments.clear();
      callId = call;
    }
    TaskBatch batch;
    try {
      Task<?>[] tasks = (Task<?>[]) serializer.read(d, loader);
      if (tasks == null) {
        throw new IOException("The batch holds no tasks");
      }
      batch = new TaskBatch(resolve(tasks, serializer), firstIndex, nested);
    } catch (RuntimeException | IOException | LinkageError e) {
      sendFailure(0, e, serializer);
      return;
    }
    BatchResult result = batch.run();
    Throwable failure = result.failure();
    if (failure != null) {
      sendFailure(result.failedOffset(), failure, serializer);
      return;
    }
    Object[] values = result.values().toArray();
    buffer.reset();
    try {
      serializer.write(values, buffer);
    } catch (RuntimeException e) {
      sendFailure(offending(values, serializer), e, serializer);
      return;
    }
    Protocol.writeFrame(out, Protocol.RESULT, buffer.bytes(), buffer.size());
  }

  private List<Task<?>> resolve(Task<?>[] tasks, Serializer serializer) throws IOException {
    List<Task<?>> resolved = new ArrayList<>(tasks.length);
    for (Task<?> task : tasks) {
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
      resolved.add(replaced == null ? task : task.withArguments(replaced));
    }
    return resolved;
  }

  private @Nullable Object load(ArgumentRef ref, Serializer serializer) throws IOException {
    if (largeArguments.containsKey(ref.path())) {
      return largeArguments.get(ref.path());
    }
    Object value;
    try (InputStream file = new BufferedInputStream(Files.newInputStream(Path.of(ref.path())))) {
      value = serializer.read(file, loader);
    }
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
    buffer.reset();
    DataOutputStream d = new DataOutputStream(buffer);
    d.writeInt(offset);
    d.writeUTF(failure.getClass().getName());
    String message = failure.getMessage();
    d.writeUTF(Protocol.utf(message == null ? "" : message));
    StackTraceElement[] trace = failure.getStackTrace();
    d.writeInt(trace.length);
    for (StackTraceElement e : trace) {
      d.writeUTF(e.getClassName());
      d.writeUTF(e.getMethodName());
      d.writeUTF(e.getFileName() == null ? "" : e.getFileName());
      d.writeInt(e.getLineNumber());
    }
    byte[] serialized;
    try {
      serialized = serializer.toBytes(failure);
    } catch (RuntimeException e) {
      serialized = new byte[0];
    }
    d.writeInt(serialized.length);
    d.write(serialized);
    d.flush();
    Protocol.writeFrame(out, Protocol.FAILURE, buffer.bytes(), buffer.size());
  }

  private static void watchParent(long parentPid) {
    ProcessHandle.of(parentPid)
        .ifPresentOrElse(
            parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)),
            () -> Runtime.getRuntime().halt(1));
  }

  /** Loads and links the serializer's classes while the first batch is on its way. */
  private static void warmUp() {
    try {
      SerializableFunction<Double, Double> f = Math::abs;
      Task<?>[] tasks = {Delayed.delayed(f, 1.0)};
      Serializer serializer = Serializer.get();
      Object back = serializer.fromBytes(serializer.toBytes(tasks));
      serializer.fromBytes(serializer.toBytes(new Object[] {back, 1.0, 1}));
      new TaskBatch(Arrays.asList(tasks), 0, NestedConfig.sequential(1)).run();
    } catch (RuntimeException e) {
      // Only a warm-up: the first batch reports any real problem.
    }
  }

  /** A byte array output stream whose array is read in place. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(8192);
    }

    byte[] bytes() {
      return buf;
    }

    @Override
    public synchronized void reset() {
      if (buf.length > (1 << 20)) {
        buf = new byte[8192];
      }
      super.reset();
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
