package org.joblib4j.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.joblib4j.JoblibException;
import org.joblib4j.WorkerCrashedException;
import org.joblib4j.local.worker.BatchCodec;
import org.joblib4j.local.worker.FrameBuffer;
import org.joblib4j.local.worker.Protocol;
import org.joblib4j.local.worker.SplittableRun;
import org.joblib4j.spi.FailureCodec;
import org.jspecify.annotations.Nullable;

/**
 * The process-wide pool of worker JVMs that every {@code processes} backend shares: joblib's
 * reusable loky executor.
 *
 * <pre>
 * Design note. One lock (this pool's monitor) guards the live workers, the idle ones, the queue
 * of jobs and the target size. Nothing slow happens under it: jobs are matched with workers under
 * the lock, put in the worker's outbox in that order, and written to its socket after the lock is
 * released by whichever thread flushes the outbox first, so a worker receives its batches in the
 * order the pool assigned them. Each worker has a reader thread that takes its answers: it frees
 * the worker, hands it the next queued job, sends that job, and only then decodes the answer and
 * completes the future, so the worker is never idle while the parent decodes.
 *
 * Prefetch: when a worker's last batch took under 10 ms, it may get a second job while it runs
 * one, if both belong to the same backend and the batch is small enough to sit in the socket; it
 * then starts the next batch without waiting for the parent's round trip. Long batches are never
 * prefetched, so they stay in the shared queue for whichever worker frees first. As a worker only
 * ever holds jobs of one backend, cancelling a backend kills exactly the workers that hold its
 * jobs.
 *
 * Splitting: while a worker is idle and the queue is empty, every 5 ms the pool sends a SPLIT to
 * each busy worker whose batch has run for 10 ms and holds more than one task or a prefetched
 * batch. The worker answers with a CUT: a prefetched batch given back whole, or the second half of
 * the tasks its running batch has not started when the running task has run 10 ms or more, or
 * nothing. What comes back goes to the front of the queue as a new part of its batch (Job); the
 * parts of a batch fill one array of results, and the last part to end completes the batch. So a
 * slow task holds back neither the tasks queued behind it in its batch nor the batch prefetched
 * behind it.
 *
 * Healing: a reader that meets the end of its worker's socket waits for the process to exit, fails
 * the job the worker ran with WorkerCrashedException (unless the pool stopped the worker on
 * purpose), and starts a replacement when the pool is below its target size. A reader that reads a
 * malformed frame kills its worker first and takes the same path, naming the frame's fault.
 * cancelAll kills the workers that run the cancelled backend's jobs at once and starts their
 * replacements, so the call returns without waiting for them. Shrinking retires idle workers above
 * the target by shutting down the parent's side of their socket; busy ones retire when they finish.
 * Idle workers retire after the idle timeout, and a shutdown hook kills every worker and deletes
 * the socket folder when the parent JVM exits.
 * </pre>
 *
 * <p>This class is thread-safe.
 */
final class WorkerPool {
  /** Batches shorter than this are prefetched: the next one waits in the worker's socket. */
  private static final long PREFETCH_BELOW_NANOS = 10_000_000L;

  /** Only batches this small are prefetched, so that writing one never waits for the worker. */
  private static final int PREFETCH_MAX_BYTES = 32 * 1024;

  /** How often the pool asks again while a worker is idle and others hold work not started. */
  private static final long SPLIT_CHECK_MILLIS = 5;

  private static @Nullable WorkerPool shared;

  private final List<Worker> workers = new ArrayList<>();
  private final ArrayDeque<Worker> idle = new ArrayDeque<>();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private boolean splitCheckScheduled;
  private final long parentPid = ProcessHandle.current().pid();
  private final ScheduledExecutorService reaper;
  private final Duration idleTimeout;
  private int target;
  private int nextId;
  private boolean shutDown;

  /** The folder of the workers' sockets, made when the first worker starts; guarded by the lock. */
  private @Nullable SocketFolder sockets;

  /** Why the last worker JVM that failed to start failed; cleared when a worker starts. */
  private @Nullable JoblibException startFailure;

  /** Creates a pool whose idle workers exit after {@code idleTimeout}; tests make their own. */
  WorkerPool(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "joblib4j-worker-reaper");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(50, Math.min(5_000, idleTimeout.toMillis() / 4));
    reaper.scheduleWithFixedDelay(this::retireIdle, period, period, TimeUnit.MILLISECONDS);
  }

  /** Returns the process-wide pool, creating it (and its shutdown hook) on first use. */
  static synchronized WorkerPool shared() {
    if (shared == null) {
      WorkerPool pool = new WorkerPool(WorkerCommand.idleTimeout());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(pool::shutDown, "joblib4j-worker-pool-shutdown"));
      shared = pool;
    }
    return shared;
  }

  /**
   * Sets the pool's size to {@code n} workers: starts the missing ones (their JVMs boot in
   * parallel) and retires idle workers above {@code n}.
   */
  void resize(int n) {
    List<Worker> toSend;
    synchronized (this) {
      checkOpen();
      target = n;
      while (workers.size() < n) {
        spawn();
      }
      while (workers.size() > n && !idle.isEmpty()) {
        retire(idle.pollFirst());
      }
      toSend = match();
    }
    send(toSend);
  }

  /**
   * Starts workers until the pool has {@code n}, without retiring any: called as soon as a backend
   * is made, so the JVMs boot while the call is still being set up.
   */
  void prestart(int n) {
    List<Worker> toSend;
    synchronized (this) {
      if (shutDown || workers.size() >= n) {
        return;
      }
      target = Math.max(target, n);
      while (workers.size() < n) {
        spawn();
      }
      toSend = match();
    }
    send(toSend);
  }

  /** Queues {@code job}; it runs on the first idle worker. */
  void submit(Job job) {
    List<Worker> toSend;
    synchronized (this) {
      if (shutDown) {
        job.future().completeExceptionally(new CancellationException("the JVM is shutting down"));
        return;
      }
      if (workers.isEmpty() && startFailure != null) {
        job.future().completeExceptionally(startFailure);
        return;
      }
      queue.addLast(job);
      toSend = match();
    }
    send(toSend);
  }

  /**
   * Cancels the queued jobs of {@code owner} and kills the workers running its jobs, starting
   * replacements for them.
   */
  void cancel(Object owner) {
    List<Worker> toSend;
    List<Job> cancelled = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
        Job job = it.next();
        if (job.owner() == owner) {
          it.remove();
          cancelled.add(job);
        }
      }
      for (Worker w : new ArrayList<>(workers)) {
        Job job = w.jobs.peekFirst();
        if (job != null && job.owner() == owner) {
          // Every job of a worker has one owner: match() prefetches only the same owner's.
          w.stopped = true;
          cancelled.addAll(w.jobs);
          w.jobs.clear();
          workers.remove(w);
          w.process.destroyForcibly();
        }
      }
      try {
        while (!shutDown && workers.size() < target) {
          spawn();
        }
      } catch (JoblibException e) {
        // The next call's resize reports it; cancelling must not fail.
      }
      toSend = match();
    }
    for (Job job : cancelled) {
      job.future().cancel(false);
    }
    send(toSend);
  }

  /** Tells every worker that call {@code callId} ended, so they drop its large arguments. */
  void endCall(long callId) {
    List<Worker> all;
    synchronized (this) {
      all = new ArrayList<>(workers);
    }
    byte[] payload = new byte[8];
    for (int i = 0; i < 8; i++) {
      payload[i] = (byte) (callId >>> (56 - 8 * i));
    }
    for (Worker w : all) {
      try {
        w.sendControl(Protocol.END_CALL, payload);
      } catch (IOException e) {
        // The worker is gone; it holds nothing any more.
      }
    }
  }

  /** Returns the processes of the live workers, for tests and diagnostics. */
  synchronized List<Process> processes() {
    List<Process> out = new ArrayList<>();
    for (Worker w : workers) {
      out.add(w.process);
    }
    return out;
  }

  /** Returns the folder of the workers' sockets, once a worker has started, for tests. */
  synchronized Optional<Path> socketFolderPath() {
    SocketFolder folder = sockets;
    return folder == null ? Optional.empty() : Optional.of(folder.path());
  }

  /** Returns the pool's target size. */
  synchronized int target() {
    return target;
  }

  private void checkOpen() {
    if (shutDown) {
      throw new JoblibException("The processes backend's worker pool is shut down: the JVM exits");
    }
  }

  /** Starts one worker and its reader; called under the lock. */
  private void spawn() {
    int id = ++nextId;
    Path socket = socketFolder().socket(id);
    List<String> command = WorkerCommand.build(parentPid, socket);
    Worker w;
    try {
      w = Worker.start(id, command, socket);
    } catch (IOException e) {
      throw new JoblibException(
          String.format(
              Locale.ROOT,
              "Could not start worker JVM %d with %s/bin/java: %s. Check that java.home points"
                  + " to a complete JDK or JRE, and the options in -D%s.",
              id,
              System.getProperty("java.home"),
              e.getMessage(),
              WorkerCommand.JVM_OPTIONS),
          e);
    }
    workers.add(w);
    w.idleSince = System.nanoTime();
    idle.addLast(w);
    Thread reader = new Thread(() -> read(w), "joblib4j-worker-" + id + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Returns the folder of the workers' sockets, creating it first; called under the lock. */
  private SocketFolder socketFolder() {
    SocketFolder folder = sockets;
    if (folder == null) {
      try {
        folder = SocketFolder.create();
      } catch (IOException e) {
        throw new JoblibException(
            String.format(
                Locale.ROOT,
                "Could not create the private folder for the sockets of the processes backend's"
                    + " workers under %s: %s. Start the JVM with -Djava.io.tmpdir set to a"
                    + " writable local folder.",
                System.getProperty("java.io.tmpdir"),
                e),
            e);
      }
      sockets = folder;
    }
    return folder;
  }

  /** Asks an idle worker to exit by closing its socket's input; called under the lock. */
  private void retire(Worker w) {
    workers.remove(w);
    idle.remove(w);
    w.stopped = true;
    w.closeInput();
  }

  /**
   * Pairs queued jobs with idle workers, or, for short batches, with a worker that runs one job of
   * the same owner, so that it finds its next batch waiting; called under the lock. Returns the
   * workers to flush.
   */
  private List<Worker> match() {
    List<Worker> out = List.of();
    while (!queue.isEmpty()) {
      Job job = queue.peekFirst();
      if (job.future().isDone()) {
        queue.pollFirst();
        continue;
      }
      Worker w = idle.pollLast();
      if (w == null) {
        w = prefetchTarget(job);
        if (w == null) {
          break;
        }
      } else {
        w.busySince = System.nanoTime();
      }
      queue.pollFirst();
      w.jobs.addLast(job);
      w.assign(job);
      if (out.isEmpty()) {
        out = new ArrayList<>(2);
      }
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** Returns a busy worker that may take {@code job} as its next batch now, if there is one. */
  private @Nullable Worker prefetchTarget(Job job) {
    if (job.length() > PREFETCH_MAX_BYTES) {
      return null;
    }
    long now = System.nanoTime();
    for (Worker w : workers) {
      Job head = w.jobs.peekFirst();
      // A batch that already runs longer than a short one would is no sign of a quick worker.
      if (w.jobs.size() == 1
          && head != null
          && head.owner() == job.owner()
          && w.lastBatchNanos < PREFETCH_BELOW_NANOS
          && now - w.busySince < PREFETCH_BELOW_NANOS
          && !w.stopped) {
        return w;
      }
    }
    return null;
  }

  private static void send(List<Worker> toFlush) {
    for (Worker w : toFlush) {
      try {
        w.flush();
      } catch (IOException e) {
        // The worker is gone; its reader reports the crash for its jobs.
      }
    }
  }

  private void read(Worker w) {
    try {
      w.awaitStart();
      synchronized (this) {
        startFailure = null;
      }
      while (true) {
        byte[] frame = w.readFrame();
        if (frame[0] == Protocol.EARLY) {
          reportEarly(w, frame);
          continue;
        }
        if (frame[0] == Protocol.CUT) {
          cut(w, frame);
          continue;
        }
        Job job;
        List<Worker> toSend;
        List<Worker> toAsk;
        synchronized (this) {
          job = w.jobs.pollFirst();
          long now = System.nanoTime();
          w.lastBatchNanos = now - w.busySince;
          w.busySince = now;
          if (!w.stopped && w.jobs.isEmpty()) {
            if (workers.size() > target) {
              retire(w);
            } else {
              w.idleSince = now;
              idle.addLast(w);
            }
          }
          toSend = match();
          toAsk = askForWork();
        }
        send(toSend);
        askSplit(toAsk);
        if (job != null) {
          complete(job, frame);
        }
      }
    } catch (Protocol.MalformedFrameException e) {
      w.channelFailure = e.getMessage();
      w.process.destroyForcibly();
      exited(w);
    } catch (IOException e) {
      exited(w);
    } catch (RuntimeException | Error e) {
      w.process.destroyForcibly();
      exited(w);
      throw e;
    }
  }

  private void exited(Worker w) {
    int exitCode = w.awaitExit();
    Job job;
    boolean stopped;
    WorkerCrashedException crash = null;
    JoblibException failure = null;
    List<Job> failedJobs = new ArrayList<>();
    List<Worker> toSend = List.of();
    synchronized (this) {
      job = w.jobs.pollFirst();
      failedJobs.addAll(w.jobs);
      w.jobs.clear();
      stopped = w.stopped;
      if (!w.started && !stopped) {
        // The JVM did not start: starting another the same way would fail the same way.
        JoblibException failed = notStarted(w, exitCode);
        startFailure = failed;
        if (job != null) {
          failedJobs.add(job);
          job = null;
        }
        for (Job queued : queue) {
          failedJobs.add(queued);
        }
        queue.clear();
        failure = failed;
        workers.remove(w);
        idle.remove(w);
        target = Math.min(target, workers.size());
      }
      if (job != null && !stopped) {
        // As loky's broken executor: the call's queued batches fail with the same error.
        crash = crashed(w, exitCode, job);
        failure = crash;
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
          Job queued = it.next();
          if (queued.owner() == job.owner()) {
            it.remove();
            failedJobs.add(queued);
          }
        }
      }
      boolean live = workers.remove(w);
      idle.remove(w);
      if (live && !shutDown) {
        try {
          while (workers.size() < target) {
            spawn();
          }
        } catch (JoblibException e) {
          // The next call's resize reports it; this worker's own failure comes first.
        }
        toSend = match();
      }
    }
    send(toSend);
    if (job != null && crash != null) {
      job.future().completeExceptionally(crash);
    }
    Throwable reason =
        failure != null ? failure : new CancellationException(w.name() + " was stopped");
    for (Job failed : failedJobs) {
      failed.future().completeExceptionally(reason);
    }
  }

  private void retireIdle() {
    synchronized (this) {
      long now = System.nanoTime();
      for (Worker w : new ArrayList<>(idle)) {
        if (now - w.idleSince >= idleTimeout.toNanos()) {
          retire(w);
          target = Math.min(target, workers.size());
        }
      }
    }
  }

  /** Kills every worker, deletes the socket folder and refuses new work; run at JVM exit too. */
  void shutDown() {
    List<Worker> all;
    SocketFolder folder;
    synchronized (this) {
      shutDown = true;
      folder = sockets;
      all = new ArrayList<>(workers);
      workers.clear();
      idle.clear();
      for (Job job : queue) {
        job.future().cancel(false);
      }
      queue.clear();
    }
    for (Worker w : all) {
      w.stopped = true;
      w.process.destroyForcibly();
      w.close();
    }
    if (folder != null) {
      folder.delete();
    }
    reaper.shutdownNow();
    LargeArguments.deleteAll();
  }

  /**
   * Hands the results a worker reported early for its head job to the job's call. Results that
   * cannot be read back fail the batch at once.
   */
  private void reportEarly(Worker w, byte[] frame) {
    Job job;
    synchronized (this) {
      job = w.jobs.peekFirst();
    }
    if (job == null || !job.wantsEarly() || job.future().isDone()) {
      return;
    }
    FrameBuffer.Reader in = new FrameBuffer.Reader(frame, 1);
    int offset = in.getInt();
    try {
      job.early(offset, BatchCodec.readValues(in, job.serializer(), job.loader()));
    } catch (RuntimeException | LinkageError e) {
      job.failed(offset, unreadable(e));
    }
  }

  /**
   * Takes a worker's answer to a SPLIT: the tasks it gave back go to the front of the queue, as a
   * new part of their batch, or whole when the part had not started.
   */
  private void cut(Worker w, byte[] frame) {
    FrameBuffer.Reader in = new FrameBuffer.Reader(frame, 1);
    long part = in.getLong();
    int cut = in.getInt();
    List<Worker> toSend;
    List<Worker> toAsk;
    synchronized (this) {
      w.splitAsked = false;
      w.splitAfter = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SPLIT_CHECK_MILLIS);
      Job job = null;
      for (Job j : w.jobs) {
        if (j.part == part) {
          job = j;
        }
      }
      if (job != null && cut >= job.from && cut < job.to) {
        if (cut == job.from) {
          w.jobs.remove(job);
          queue.addFirst(job);
          if (w.jobs.isEmpty() && !w.stopped) {
            w.idleSince = System.nanoTime();
            idle.addLast(w);
          }
        } else {
          queue.addFirst(job.splitAt(cut));
        }
      }
      toSend = match();
      toAsk = askForWork();
    }
    send(toSend);
    askSplit(toAsk);
  }

  /**
   * Returns the busy workers to ask for work they have not started, when a worker is idle and the
   * queue is empty: those whose batch has run for STALLED_NANOS and holds more than one task or a
   * prefetched batch. Keeps a check scheduled while there may be such work; called under the lock.
   */
  private List<Worker> askForWork() {
    if (!queue.isEmpty() || idle.isEmpty() || shutDown) {
      return List.of();
    }
    List<Worker> ask = List.of();
    boolean later = false;
    long now = System.nanoTime();
    for (Worker w : workers) {
      Job head = w.jobs.peekFirst();
      if (head == null || w.stopped || (w.jobs.size() == 1 && head.to - head.from < 2)) {
        continue;
      }
      later = true;
      if (w.splitAsked
          || now - w.busySince < SplittableRun.STALLED_NANOS
          || now - w.splitAfter < 0) {
        continue;
      }
      w.splitAsked = true;
      if (ask.isEmpty()) {
        ask = new ArrayList<>(2);
      }
      ask.add(w);
    }
    if (later && !splitCheckScheduled) {
      splitCheckScheduled = true;
      reaper.schedule(this::splitCheck, SPLIT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
    return ask;
  }

  private void splitCheck() {
    List<Worker> ask;
    synchronized (this) {
      splitCheckScheduled = false;
      ask = askForWork();
    }
    askSplit(ask);
  }

  private void askSplit(List<Worker> ask) {
    for (Worker w : ask) {
      boolean sent;
      try {
        sent = w.sendControl(Protocol.SPLIT, new byte[0]);
      } catch (IOException e) {
        sent = false; // The worker is gone; its reader reports the crash.
      }
      if (!sent) {
        synchronized (this) {
          w.splitAsked = false;
        }
      }
    }
  }

  /** Decodes a worker's answer to {@code job}, completing its batch when it is the last part. */
  private static void complete(Job job, byte[] frame) {
    try {
      FrameBuffer.Reader in = new FrameBuffer.Reader(frame, 1);
      if (frame[0] == Protocol.RESULT) {
        long runNanos = in.getLong();
        @Nullable Object[] values;
        try {
          values = BatchCodec.readValues(in, job.serializer(), job.loader());
        } catch (RuntimeException | LinkageError e) {
          job.failed(job.received, unreadable(e));
          return;
        }
        job.done(values, runNanos);
        return;
      }
      int offset = in.getInt();
      job.failed(
          offset,
          FailureCodec.decode(
              frame, in.position(), frame.length - in.position(), job.serializer(), job.loader()));
    } catch (RuntimeException | Error e) {
      job.future().completeExceptionally(e);
    }
  }

  private static JoblibException unreadable(Throwable e) {
    return new JoblibException(
        "The results of a batch could not be read back in the parent: "
            + e.getMessage()
            + ". Make sure the values tasks return are serializable and their classes are on the"
            + " parent's class path.",
        e);
  }

  private static JoblibException notStarted(Worker w, int exitCode) {
    StringBuilder m = new StringBuilder();
    if (w.channelFailure != null) {
      m.append(
          String.format(
              Locale.ROOT,
              "The JVM of %s of the processes backend did not start: %s. ",
              w.name(),
              w.channelFailure));
    }
    m.append(
        String.format(
            Locale.ROOT,
            "The JVM of %s of the processes backend exited with status %s before it started."
                + " Check the options in -D%s (now \"%s\") and -D%s (now \"%s\"), and that"
                + " java.home (%s) is a complete Java runtime.",
            w.name(),
            describeExit(exitCode),
            WorkerCommand.JVM_OPTIONS,
            System.getProperty(WorkerCommand.JVM_OPTIONS, WorkerCommand.DEFAULT_JVM_OPTIONS),
            WorkerCommand.HEAP,
            System.getProperty(WorkerCommand.HEAP, ""),
            System.getProperty("java.home")));
    List<String> tail = w.stderrTail();
    if (!tail.isEmpty()) {
      m.append(" Its standard error:");
      for (String line : tail) {
        m.append("\n  ").append(line);
      }
    }
    return new JoblibException(m.toString());
  }

  private static WorkerCrashedException crashed(Worker w, int exitCode, Job job) {
    StringBuilder m = new StringBuilder();
    if (w.channelFailure != null) {
      m.append(
          String.format(
              Locale.ROOT,
              "The %s of the processes backend sent its parent something that is not an answer"
                  + " while it ran a batch of %s (%s), so the pool killed it and started a"
                  + " replacement; the next call runs normally. Report this as a bug of joblib4j,"
                  + " with the worker's standard error if it shows one.",
              w.name(),
              job.callName(),
              w.channelFailure));
      appendTail(m, w, " Last lines of its standard error:");
      return new WorkerCrashedException(m.toString(), exitCode, null);
    }
    m.append(
        String.format(
            Locale.ROOT,
            "The %s of the processes backend was unexpectedly terminated while it ran a batch of"
                + " %s; its exit status was %s. ",
            w.name(),
            job.callName(),
            describeExit(exitCode)));
    m.append(
        "This could be caused by the task calling System.exit or Runtime.halt, by the worker"
            + " running out of memory (workers run with -XX:+ExitOnOutOfMemoryError and exit with"
            + " code 3; give them more heap with -D"
            + WorkerCommand.HEAP
            + "=4g), by a crash in native code, or by the operating system or a user killing the"
            + " worker (SIGKILL, exit code 137, is also what the Linux OOM killer sends). The"
            + " pool replaced the worker; the next call runs normally.");
    appendTail(m, w, " Last lines of its standard error:");
    return new WorkerCrashedException(m.toString(), exitCode, null);
  }

  private static void appendTail(StringBuilder m, Worker w, String heading) {
    List<String> tail = w.stderrTail();
    if (!tail.isEmpty()) {
      m.append(heading);
      for (String line : tail) {
        m.append("\n  ").append(line);
      }
    }
  }

  /**
   * Returns loky's label for an exit code: {@code SIGKILL(-9) (exit code 137)}, {@code EXIT(3)}.
   */
  static String describeExit(int exitCode) {
    if (exitCode < 0) {
      return "unknown (the process did not end when killed)";
    }
    if (exitCode > 128 && exitCode < 128 + 65) {
      int signal = exitCode - 128;
      return String.format(
          Locale.ROOT, "%s(-%d) (exit code %d)", signalName(signal), signal, exitCode);
    }
    return String.format(Locale.ROOT, "EXIT(%d)", exitCode);
  }

  private static String signalName(int signal) {
    switch (signal) {
      case 1:
        return "SIGHUP";
      case 2:
        return "SIGINT";
      case 3:
        return "SIGQUIT";
      case 4:
        return "SIGILL";
      case 6:
        return "SIGABRT";
      case 7:
        return "SIGBUS";
      case 8:
        return "SIGFPE";
      case 9:
        return "SIGKILL";
      case 11:
        return "SIGSEGV";
      case 13:
        return "SIGPIPE";
      case 15:
        return "SIGTERM";
      default:
        return "SIG" + signal;
    }
  }
}
