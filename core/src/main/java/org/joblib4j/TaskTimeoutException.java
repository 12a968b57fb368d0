package org.joblib4j;

import java.time.Duration;

/**
 * Thrown by a {@link Parallel} call when it waited longer than its {@link Parallel#timeout} for a
 * task: the call was ended and the remaining tasks cancelled, as for an error.
 */
public class TaskTimeoutException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /** Creates the exception for a call that waited {@code timeout} in vain. */
  public TaskTimeoutException(String message, Duration timeout) {
    super(message);
    this.timeout = timeout;
  }

  /** Returns the timeout that expired. */
  public Duration timeout() {
    return timeout;
  }
}
