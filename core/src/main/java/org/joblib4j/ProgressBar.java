package org.joblib4j;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link ProgressListener} that shows the progress of {@link Parallel} calls: on a terminal, a
 * live bar with tasks done out of the total, the rate and the estimated time left, redrawn in
 * place at most ten times a second; elsewhere (a log file, a CI job), a plain line at a fixed
 * interval and one when the call finishes.
 *
 * <pre>{@code
 * new Parallel().nJobs(2).progressListener(new ProgressBar()).run(tasks);
 * // [Parallel(n_jobs=2)] [############------------------]  40%  400/1000 | 212.3 tasks/s | 00:01 < 00:02
 * }</pre>
 *
 * <p>When the input's size is not known (a lazily read stream), the bar shows the tasks done and
 * the rate, without a percentage or time left. It works with every backend, since it only reads
 * the {@link ProgressListener.Progress} snapshots the dispatcher sends. One bar may be given to
 * several calls; calls that run at the same time share its line.
 *
 * <p>This class is thread-safe.
 */
public final class ProgressBar implements ProgressListener {
  /** How often a live bar is redrawn at most. */
  static final Duration LIVE_INTERVAL = Duration.ofMillis(100);

  /** How often a plain line is written by default when the output is not a terminal. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(5);

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final long intervalNanos;
  private final boolean live;
  private long lastDrawNanos;
  private boolean drawn;
  private int lastLength;

  /**
   * Creates a bar on standard error: live when the program runs on a terminal ({@link
   * System#console()} is not null), else a plain line every five seconds.
   */
  public ProgressBar() {
    this(System.err, System.console() != null ? LIVE_INTERVAL : LINE_INTERVAL,
        System.console() != null);
  }

  /** Creates a bar that writes a plain line to {@code out} at most once per {@code interval}. */
  public ProgressBar(PrintStream out, Duration interval) {
    this(out, interval, false);
  }

  /**
   * Creates a bar that writes to {@code out} at most once per {@code interval}: redrawn in place
   * with a carriage return when {@code live}, else as plain lines.
   *
   * @throws IllegalArgumentException if {@code interval} is negative
   */
  public ProgressBar(PrintStream out, Duration interval, boolean live) {
    this.out = Objects.requireNonNull(out, "out");
    if (interval.isNegative()) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "interval must be zero or positive, got %s", interval));
    }
    this.intervalNanos = interval.toNanos();
    this.live = live;
  }

  @Override
  public synchronized void onStart(Progress progress) {
    lastDrawNanos = System.nanoTime();
    drawn = true;
    lastLength = 0;
    if (live) {
      draw(progress, false);
    }
  }

  @Override
  public synchronized void onProgress(Progress progress) {
    long now = System.nanoTime();
    if (drawn && now - lastDrawNanos < intervalNanos) {
      return;
    }
    lastDrawNanos = now;
    drawn = true;
    draw(progress, false);
  }

  @Override
  public synchronized void onFinish(Progress progress) {
    draw(progress, true);
    drawn = false;
  }

  private void draw(Progress p, boolean finished) {
    String text = live ? bar(p, finished) : line(p, finished);
    if (live) {
      int pad = Math.max(0, lastLength - text.length());
      out.print("\r" + text + " ".repeat(pad));
      lastLength = text.length();
      if (finished) {
        out.println();
        lastLength = 0;
      }
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Returns the live bar's text. */
  static String bar(Progress p, boolean finished) {
    long done = p.completedTasks();
    long total = finished ? Math.max(p.totalTasks(), done) : p.totalTasks();
    double seconds = p.elapsedNanos() / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    StringBuilder sb = new StringBuilder("[").append(p.call()).append("] ");
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      sb.append('[')
          .append("#".repeat(filled))
          .append("-".repeat(WIDTH - filled))
          .append("] ")
          .append(String.format(Locale.ROOT, "%3d%%  %d/%d", 100 * done / total, done, total));
    } else {
      sb.append(String.format(Locale.ROOT, "%d tasks", done));
    }
    sb.append(String.format(Locale.ROOT, " | %.1f tasks/s | %s", rate, clock(seconds)));
    if (total > 0 && !finished) {
      sb.append(" < ").append(rate > 0 ? clock((total - done) / rate) : "?");
    }
    return sb.toString();
  }

  /** Returns a plain progress line's text. */
  static String line(Progress p, boolean finished) {
    long done = p.completedTasks();
    long total = p.totalTasks();
    double seconds = p.elapsedNanos() / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    StringBuilder sb = new StringBuilder("[").append(p.call()).append("]: ");
    if (finished) {
      sb.append("done ");
    }
    if (total > 0) {
      sb.append(String.format(Locale.ROOT, "%d/%d tasks (%d%%)", done, total, 100 * done / total));
    } else {
      sb.append(String.format(Locale.ROOT, "%d tasks", done));
    }
    sb.append(String.format(Locale.ROOT, " | %.1f tasks/s | elapsed %s", rate, clock(seconds)));
    if (total > 0 && !finished) {
      sb.append(" | ETA ").append(rate > 0 ? clock((total - done) / rate) : "?");
    }
    return sb.toString();
  }

  /** Formats seconds as {@code mm:ss}, or {@code h:mm:ss} past an hour. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
