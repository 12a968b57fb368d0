package org.joblib4j;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an object cannot be turned into bytes or back: the message names the class (and,
 * where it can, the field or captured value) and says how to fix it.
 */
public class SerializationException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public SerializationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
