package org.joblib4j.spark;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Keeps Spark's log free of warnings about tasks that joblib4j killed itself. When a call ends
 * early (its stream is closed, a task fails, a timeout passes), the backend cancels the call's
 * jobs, and Spark's scheduler logs each task it kills as a lost task: {@code WARN TaskSetManager:
 * Lost task 0.0 in stage 5.0 (TID 11) (...): TaskKilled (... joblib4j cancelled Parallel(n_jobs=2)
 * ...)}. Those are the call working as meant, so they are dropped; every other line, the user's own
 * cancellations and lost executors included, is logged as before.
 *
 * <pre>
 * Design note. Spark logs through Log4j 2. The filter sits on the scheduler's own logger config,
 * made for it when the configuration has none (it inherits its level and appenders), and drops
 * only warnings that name a killed task and the reason this backend gives when it cancels
 * (KILL_REASON). With another logging backend, or a Log4j configuration reloaded later, nothing
 * is dropped: the lines are noise, never needed for a result.
 * </pre>
 */
final class SparkLogs {
  /** What every cancellation of this backend says, so that its kills can be told apart. */
  static final String KILL_REASON = "joblib4j cancelled ";

  private static final String SCHEDULER = "org.apache.spark.scheduler.TaskSetManager";

  private static boolean installed;

  private SparkLogs() {}

  /** Installs the filter once per JVM; never throws. */
  static synchronized void dropOwnKills() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
        return;
      }
      Configuration config = context.getConfiguration();
      LoggerConfig scheduler = config.getLoggerConfig(SCHEDULER);
      if (!scheduler.getName().equals(SCHEDULER)) {
        scheduler = new LoggerConfig(SCHEDULER, null, true);
        config.addLogger(SCHEDULER, scheduler);
      }
      scheduler.addFilter(new OwnKills());
      context.updateLoggers();
    } catch (LinkageError | RuntimeException e) {
      // Not Log4j 2, or not its core: Spark's lines stay as they are.
    }
  }

  /** Denies the scheduler's warnings about tasks this backend killed. */
  private static final class OwnKills extends AbstractFilter {
    OwnKills() {
      super(Filter.Result.DENY, Filter.Result.NEUTRAL);
    }

    @Override
    public Filter.Result filter(LogEvent event) {
      if (event.getLevel() != Level.WARN) {
        return onMismatch;
      }
      String message = event.getMessage().getFormattedMessage();
      return message != null && message.contains("TaskKilled") && message.contains(KILL_REASON)
          ? onMatch
          : onMismatch;
    }
  }
}
