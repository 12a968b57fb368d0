package org.joblib4j.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.joblib4j.local.worker.Protocol;

/**
 * The parent's side of one worker JVM: its process, the pipe batches go down, a thread reading its
 * answers and a thread copying its standard error to the parent's, each line prefixed with {@code
 * [worker N]}. The fields marked as guarded belong to the {@link WorkerPool}'s lock.
 */
final class Worker {
  private static final int TAIL_LINES = 20;

  final int id;
  final Process process;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final Thread errorPump;
  private final ArrayDeque<String> tail = new ArrayDeque<>();

  /** The jobs sent or about to be sent to it, in order, at most two; guarded by the pool. */
  final ArrayDeque<Job> jobs = new ArrayDeque<>(2);

  /** Jobs assigned to it and not yet written to its pipe, in assignment order. */
  private final ConcurrentLinkedQueue<Job> outbox = new ConcurrentLinkedQueue<>();

  /** When its current batch started, from {@link System#nanoTime}; guarded by the pool. */
  long busySince;

  /** How long its last batch took, in nanoseconds; guarded by the pool. */
  long lastBatchNanos = Long.MAX_VALUE;

  /** Whether the pool stopped it on purpose (retired or killed); guarded by the pool. */
  boolean stopped;

  /** Whether it wrote the channel's start marker: its JVM started. Read by its reader only. */
  boolean started;

  /** When it last became idle, from {@link System#nanoTime}; guarded by the pool. */
  long idleSince;

  private Worker(int id, Process process) {
    this.id = id;
    this.process = process;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    this.errorPump = new Thread(this::pumpErrors, "joblib4j-worker-" + id + "-stderr");
    this.errorPump.setDaemon(true);
  }

  /** Starts a worker JVM with {@code command} and the thread that copies its standard error. */
  static Worker start(int id, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    Worker w = new Worker(id, pb.start());
    w.errorPump.start();
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
   * calls it; throws when the worker's pipe is closed.
   */
  void flush() throws IOException {
    synchronized (out) {
      Job job;
      while ((job = outbox.poll()) != null) {
        Protocol.writeFrame(out, Protocol.BATCH, job.payload(), job.length());
      }
    }
  }

  /** Sends a frame that is not answered, such as {@link Protocol#END_CALL}. */
  void sendControl(byte type, byte[] payload) throws IOException {
    synchronized (out) {
      Protocol.writeFrame(out, type, payload, payload.length);
    }
  }

  /** Closes the worker's standard input, which makes it exit once idle. */
  void closeInput() {
    synchronized (out) {
      try {
        out.close();
      } catch (IOException e) {
        // Already gone: nothing to close.
      }
    }
  }

  /**
   * Reads up to the channel's start marker, copying anything before it to standard error. Throws
   * {@link EOFException} when the worker exits first.
   */
  void awaitStart() throws IOException {
    byte[] magic = Protocol.MAGIC;
    int matched = 0;
    StringBuilder junk = new StringBuilder();
    while (matched < magic.length) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("worker exited before it started");
      }
      if (b == (magic[matched] & 0xff)) {
        matched++;
      } else {
        junk.append(new String(magic, 0, matched, StandardCharsets.US_ASCII)).append((char) b);
        matched = b == (magic[0] & 0xff) ? 1 : 0;
      }
    }
    started = true;
    if (junk.length() > 0) {
      for (String line : junk.toString().split("\n")) {
        errorLine(line);
      }
    }
  }

  /** Reads the next answer frame, type first. */
  byte[] readFrame() throws IOException {
    return Protocol.readFrame(in);
  }

  /** Waits for the process to end, killing it if it has not ended within a second. */
  int awaitExit() {
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      errorPump.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Returns the last lines the worker wrote to standard error. */
  List<String> stderrTail() {
    synchronized (tail) {
      return new ArrayList<>(tail);
    }
  }

  private void pumpErrors() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        errorLine(line);
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private void errorLine(String line) {
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }
    PrintStream err = System.err;
    err.println("[worker " + id + "] " + line);
  }
}
