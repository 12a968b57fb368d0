package org.joblib4j.hash;

import org.joblib4j.JoblibException;

/**
 * Thrown by {@link org.joblib4j.Joblib#hash} for a value that has no content to hash, such as a
 * thread, a stream or a lambda that is not serializable. The message names the class and where it
 * was found in the arguments, such as {@code args[1].settings.executor}.
 */
public final class UnhashableException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final String className;
  private final String problem;
  private String path = "";

  /** Creates an exception for a value of {@code className}, saying why it cannot be hashed. */
  public UnhashableException(String className, String problem) {
    super(problem);
    this.className = className;
    this.problem = problem;
  }

  /** Returns the name of the class that cannot be hashed. */
  public String className() {
    return className;
  }

  /** Returns where the value was found, such as {@code args[0].items[3]}. */
  public String path() {
    return path;
  }

  UnhashableException at(String step) {
    path = step + path;
    return this;
  }

  @Override
  public String getMessage() {
    return "Cannot hash " + className + (path.isEmpty() ? "" : " at " + path) + ": " + problem;
  }
}
