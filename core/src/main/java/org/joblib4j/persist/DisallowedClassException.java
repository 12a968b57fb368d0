package org.joblib4j.persist;

import org.joblib4j.JoblibException;

/**
 * Thrown by {@link org.joblib4j.Joblib#load} when the file names a class that the {@link
 * LoadOptions#classFilter(java.util.function.Predicate) class filter} refuses. No instance of that
 * class has been created.
 */
public final class DisallowedClassException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final String className;

  /** Creates an exception for {@code className} loaded from {@code source}. */
  public DisallowedClassException(String className, String source) {
    super(
        "The file "
            + source
            + " names class "
            + className
            + ", which the class filter does not allow. Add it to the allow-list if the file is"
            + " trusted, or do not load this file.");
    this.className = className;
  }

  /** Returns the refused class name. */
  public String className() {
    return className;
  }
}
