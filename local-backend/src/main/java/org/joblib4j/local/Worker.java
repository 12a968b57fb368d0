package org.joblib4j.local;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.joblib4j.local.worker.Protocol;
import org.jspecify.annotations.Nullable;

/**
 * The parent's side of one worker JVM: its process, the Unix-domain socket batches and answers
 * travel on, a thread reading its answers, and two threads copying its standard output and
 * standard error to the parent's, each line prefixed with {@code [worker N]}. The fields marked as
 * guarded belong to the {@link WorkerPool}'s lock.
 *
 * <pre>
 * Design note. The worker's socket is bound before its process starts and accepted by the
 * worker's reader thread in awaitStart, which also watches the process: a worker that exits before
 * it connects is reported as one that did not start, with its standard error. Jobs assigned before
 * the worker connected wait in the outbox; awaitStart sends them once it has the socket. The
 * socket's file is removed as soon as the worker connected, or failed to. The worker's standard
 * input is an empty pipe, closed at once, so a task that reads System.in sees its end.
 * </pre>
 */
final class Worker {
  private static final int TAIL_LINES = 20;

  /** How long a live worker JVM may take to connect to its socket before it is killed. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);

  final int id;
  final Process process;
  private final ServerSocketChannel server;
  private final Path socket;
  private final Thread errorPump;
  private final Thread outputPump;
  private final ArrayDeque<String> tail = new ArrayDeque<>();

  /** Guards {@link #out} and {@link #inputClosed}; writes to the socket hold it. */
  private final Object writeLock = new Object();

  /** The connected socket; set once by the reader in {@link #awaitStart}. */
  private volatile @Nullable SocketChannel channel;

  /** The socket's output, once connected; guarded by {@link #writeLock}. */
  private @Nullable DataOutputStream out;

  /** Whether the pool asked the worker to exit; guarded by {@link #writeLock}. */
  private boolean inputClosed;

  /** The socket's input, once connected. Read by its reader only. */
  private @Nullable DataInputStream in;

  /** The jobs sent or about to be sent to it, in order, at most two; guarded by the pool. */
  final ArrayDeque<Job> jobs = new ArrayDeque<>(2);

  /** Jobs assigned to it and not yet written to its socket, in assignment order. */
  private final ConcurrentLinkedQueue<Job> outbox = new ConcurrentLinkedQueue<>();

  /** When its current batch started, from {@link System#nanoTime}; guarded by the pool. */
  long busySince;

  /** Whether a SPLIT was sent and its CUT has not arrived; guarded by the pool. */
  boolean splitAsked;

  /**
   * When the pool may send it the next SPLIT, from {@link System#nanoTime}; guarded by the pool.
   */
  long splitAfter;

  /** How long its last batch took, in nanoseconds; guarded by the pool. */
  long lastBatchNanos = Long.MAX_VALUE;

  /** Whether the pool stopped it on purpose (retired or killed); guarded by the pool. */
  boolean stopped;

  /** Whether it wrote the channel's start marker: its JVM started. Read by its reader only. */
  boolean started;

  /** Why its reader gave up on a worker that was still running, if it did. Read by its reader. */
  @Nullable String channelFailure;

  /** When it last became idle, from {@link System#nanoTime}; guarded by the pool. */
  long idleSince;

  private Worker(int id, Process process, ServerSocketChannel server, Path socket) {
    this.id = id;
    this.process = process;
    this.server = server;
    this.socket = socket;
    String name = "joblib4j-worker-" + id;
    this.errorPump = pump(process.getErrorStream(), () -> System.err, true, name + "-stderr");
    this.outputPump = pump(process.getInputStream(), () -> System.out, false, name + "-stdout");
  }

  /**
   * Binds {@code socket}, starts a worker JVM with {@code command}, which must name that socket,
   * and starts the threads that copy its output.
   */
  static Worker start(int id, List<String> command, Path socket) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    Process process;
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      server.configureBlocking(false);
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
      pb.redirectError(ProcessBuilder.Redirect.PIPE);
      process = pb.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(socket);
      throw e;
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Its standard input is closed either way.
    }
    Worker w = new Worker(id, process, server, socket);
    w.errorPump.start();
    w.outputPump.start();
    return w;
  }

  /** Returns the worker's name in messages, such as {@code worker 3 (pid 4242)}. */
  String name() {
    return "worker " + id + " (pid " + process.pid() + ")";
  }

  /** Queues {@code job} for {@link #flush}; called under the pool's lock, in assignment order. */
  void assign(Job job) {
    outbox.add(job);
  }

  /**
   * Writes the assigned jobs not written yet, in the order they were assigned, whichever thread
   * calls it; throws when the worker's socket is closed. Before the worker connected, the jobs
   * stay queued for {@link #awaitStart} to send.
   */
  void flush() throws IOException {
    synchronized (writeLock) {
      DataOutputStream o = out;
      if (o == null) {
        return;
      }
      Job job;
      while ((job = outbox.poll()) != null) {
        Protocol.writeBatch(o, job.from, job.to, job.part, job.payload(), job.length());
      }
    }
  }

  /**
   * Sends a frame that is not a batch, such as {@link Protocol#END_CALL}, and returns whether it
   * did: a worker that has not connected yet holds nothing such a frame is about, so it is dropped.
   */
  boolean sendControl(byte type, byte[] payload) throws IOException {
    synchronized (writeLock) {
      DataOutputStream o = out;
      if (o != null && !inputClosed) {
        Protocol.writeFrame(o, type, payload, payload.length);
        return true;
      }
      return false;
    }
  }

  /** Shuts down the parent's side of the socket, which makes the worker exit once idle. */
  void closeInput() {
    synchronized (writeLock) {
      inputClosed = true;
      SocketChannel ch = channel;
      if (ch != null) {
        try {
          ch.shutdownOutput();
        } catch (IOException e) {
          // Already gone: nothing to close.
        }
      }
    }
  }

  /**
   * Waits for the worker to connect to its socket and write the channel's start marker, sending
   * the jobs assigned meanwhile. Throws {@link EOFException} when the worker exits first, or when
   * it has not connected within {@link #CONNECT_TIMEOUT} (it is then killed), and {@link
   * Protocol.MalformedFrameException} when what it writes is not the marker.
   */
  void awaitStart() throws IOException {
    SocketChannel ch = accept();
    synchronized (writeLock) {
      channel = ch;
      out = Protocol.output(ch);
      if (inputClosed) {
        ch.shutdownOutput();
      }
    }
    DataInputStream input = Protocol.input(ch);
    in = input;
    flush();
    byte[] magic = new byte[Protocol.MAGIC.length];
    int n = 0;
    while (n < magic.length) {
      int read = input.read(magic, n, magic.length - n);
      if (read < 0) {
        throw new EOFException("worker exited before it started");
      }
      n += read;
    }
    if (!Arrays.equals(magic, Protocol.MAGIC)) {
      throw new Protocol.MalformedFrameException(
          "the worker's first bytes on its socket are not the start marker "
              + new String(Protocol.MAGIC, StandardCharsets.US_ASCII).trim());
    }
    started = true;
  }

  private SocketChannel accept() throws IOException {
    try (Selector selector = Selector.open()) {
      server.register(selector, SelectionKey.OP_ACCEPT);
      process.onExit().thenRun(selector::wakeup);
      long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
      while (true) {
        SocketChannel ch = server.accept();
        if (ch != null) {
          return ch;
        }
        if (!process.isAlive()) {
          throw new EOFException("worker exited before it started");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          channelFailure =
              "it did not connect to its socket within "
                  + CONNECT_TIMEOUT.toSeconds()
                  + " s, so the pool killed it";
          process.destroyForcibly();
          throw new EOFException("worker did not connect");
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        selector.selectedKeys().clear();
      }
    } finally {
      server.close();
      Files.deleteIfExists(socket);
    }
  }

  /**
   * Reads the next answer frame, type first; throws {@link Protocol.MalformedFrameException} when
   * it is not one.
   */
  byte[] readFrame() throws IOException {
    DataInputStream input = in;
    if (input == null) {
      throw new IllegalStateException("readFrame before awaitStart");
    }
    byte[] frame = Protocol.readFrame(input);
    byte type = frame[0];
    if (type != Protocol.RESULT
        && type != Protocol.FAILURE
        && type != Protocol.EARLY
        && type != Protocol.CUT) {
      throw new Protocol.MalformedFrameException(
          "frame type " + type + " is not an answer (RESULT, FAILURE, EARLY or CUT)");
    }
    return frame;
  }

  /** Waits for the process to end, killing it if it has not ended within a second. */
  int awaitExit() {
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      errorPump.join(2_000);
      outputPump.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Closes the socket and removes its file if the worker never connected. Never throws. */
  void close() {
    try {
      server.close();
      Files.deleteIfExists(socket);
      SocketChannel ch = channel;
      if (ch != null) {
        ch.close();
      }
    } catch (IOException e) {
      // Closing what is already gone.
    }
  }

  /** Returns the last lines the worker wrote to standard error. */
  List<String> stderrTail() {
    synchronized (tail) {
      return new ArrayList<>(tail);
    }
  }

  /**
   * Returns a thread that copies the lines of {@code stream} to the stream {@code target} returns
   * at the time of each line, prefixed with {@code [worker N]}, keeping them in the tail if {@code
   * keep}.
   */
  private Thread pump(
      InputStream stream, Supplier<PrintStream> target, boolean keep, String threadName) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (keep) {
                    remember(line);
                  }
                  target.get().println("[worker " + id + "] " + line);
                }
              } catch (IOException e) {
                // The process ended.
              }
            },
            threadName);
    t.setDaemon(true);
    return t;
  }

  private void remember(String line) {
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }
  }
}
