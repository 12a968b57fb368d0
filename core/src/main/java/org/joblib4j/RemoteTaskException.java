package org.joblib4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Stands for an exception thrown by a task in another JVM whose class cannot be loaded here. It
 * carries the remote class name, message and stack trace, and stands in for the remote cause
 * chain through its own causes, so the original failure still reads in full.
 */
public class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;

  /**
   * Creates the stand-in for an exception of class {@code remoteClassName} with {@code message}
   * and the remote stack trace.
   */
  public RemoteTaskException(
      String remoteClassName, @Nullable String message, StackTraceElement[] remoteStackTrace) {
    super(message == null ? remoteClassName : remoteClassName + ": " + message);
    this.remoteClassName = Objects.requireNonNull(remoteClassName);
    setStackTrace(remoteStackTrace.clone());
  }

  /** Returns the fully qualified class name of the remote exception. */
  public String remoteClassName() {
    return remoteClassName;
  }
}
