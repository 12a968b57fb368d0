package org.joblib4j;

import org.jspecify.annotations.Nullable;

/** The base of the unchecked exceptions joblib4j throws for a failed call. */
public class JoblibException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message and an optional cause. */
  public JoblibException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message. */
  public JoblibException(String message) {
    super(message);
  }
}
