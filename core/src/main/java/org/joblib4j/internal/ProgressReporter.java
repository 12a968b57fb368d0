package org.joblib4j.internal;

import java.io.PrintStream;
import org.joblib4j.ProgressListener;
import org.joblib4j.ProgressListener.Progress;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Writes joblib's progress lines ({@code [Parallel(n_jobs=2)]: Done  10 tasks | elapsed: 0.1s})
 * and feeds the {@link ProgressListener}. Lines go through SLF4J (logger {@code
 * org.joblib4j.Parallel}, level INFO), or straight to standard error when the program has set up
 * no SLF4J provider, so {@code verbose} is never silently lost. Confined to the dispatcher thread.
 */
public final class ProgressReporter {
  private static final Logger log = Logs.get("org.joblib4j.Parallel");

  private final String call;
  private final int verbose;
  private final @Nullable ProgressListener listener;
  private final long totalTasks;
  private final int width;
  private final long startNanos = System.nanoTime();

  ProgressReporter(String call, int verbose, @Nullable ProgressListener listener, long totalTasks) {
    this.call = call;
    this.verbose = verbose;
    this.listener = listener;
    this.totalTasks = totalTasks;
    this.width = totalTasks > 0 ? (int) Math.floor(Math.log10(totalTasks)) + 1 : 3;
  }

  /** Writes {@code [call]: message} when verbose. */
  void line(String message) {
    if (verbose > 0) {
      emit("[" + call + "]: " + message);
    }
  }

  /** Logs a warning, or prints it to standard error when no SLF4J provider is bound. */
  static void warn(String message) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof NOPLoggerFactory) {
      PrintStream err = System.err;
      err.println("WARNING " + message);
    } else {
      log.warn(message);
    }
  }

  static void emit(String line) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof NOPLoggerFactory) {
      PrintStream err = System.err;
      err.println(line);
    } else {
      log.info(line);
    }
  }

  void start(long dispatched) {
    if (listener != null) {
      notify(listener, 0, snapshot(0, dispatched, false));
    }
  }

  /**
   * Reports a completed batch, with joblib's throttling: {@code batches} is the number of
   * batches dispatched so far, {@code preDispatch} the number of tasks read ahead.
   */
  void progress(
      long completed, long dispatched, long batches, boolean inputExhausted, int preDispatch) {
    if (listener != null) {
      notify(listener, 1, snapshot(completed, dispatched, inputExhausted));
    }
    if (verbose == 0) {
      return;
    }
    double elapsed = elapsedSeconds();
    if (!inputExhausted) {
      if (skip(batches)) {
        return;
      }
      String time = "| elapsed: " + formatTime(elapsed);
      if (totalTasks >= 0) {
        line(
            Checks.format(
                "Done %" + width + "d out of %" + width + "d %s", completed, totalTasks, time));
      } else {
        String pad = " ".repeat("out of ".length() + width - "tasks".length());
        line(Checks.format("Done %" + width + "d tasks %s%s", completed, pad, time));
      }
      return;
    }
    if (completed == dispatched) {
      // Every task is done: finish() prints joblib's last line, "... finished", and only it.
      return;
    }
    if (completed != 0) {
      long cursor = dispatched - completed + 1 - preDispatch;
      long frequency = dispatched / verbose + 1;
      boolean isLastItem = completed + 1 == dispatched;
      if (isLastItem || cursor % frequency != 0) {
        return;
      }
    }
    double remaining = elapsed / Math.max(completed, 1) * (dispatched - completed);
    line(
        Checks.format(
            "Done %" + width + "d out of %" + width + "d | elapsed: %s remaining: %s",
            completed,
            dispatched,
            formatTime(elapsed),
            formatTime(remaining)));
  }

  void finish(long completed) {
    if (listener != null) {
      notify(listener, 2, snapshot(completed, completed, true));
    }
    line(
        Checks.format(
            "Done %" + width + "d out of %" + width + "d | elapsed: %s finished",
            completed,
            completed,
            formatTime(elapsedSeconds())));
  }

  private boolean skip(long index) {
    if (verbose > 10) {
      return false;
    }
    if (index == 0) {
      return false;
    }
    double scale = 0.5 * (11 - verbose) * (11 - verbose);
    return (int) Math.sqrt((index + 1) / scale) == (int) Math.sqrt(index / scale);
  }

  private Progress snapshot(long completed, long dispatched, boolean exhausted) {
    return new Progress(
        call, completed, dispatched, totalTasks, System.nanoTime() - startNanos, exhausted);
  }

  private static void notify(ProgressListener listener, int kind, Progress p) {
    try {
      switch (kind) {
        case 0:
          listener.onStart(p);
          break;
        case 1:
          listener.onProgress(p);
          break;
        default:
          listener.onFinish(p);
      }
    } catch (RuntimeException e) {
      log.warn("ProgressListener {} threw; ignored", listener, e);
    }
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** joblib's {@code short_format_time}. */
  static String formatTime(double seconds) {
    if (seconds > 60) {
      return Checks.format("%4.1fmin", seconds / 60);
    }
    return Checks.format(" %5.1fs", seconds);
  }
}
