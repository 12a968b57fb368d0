package org.joblib4j.local.worker;

import java.io.Serializable;
import java.util.Objects;

/**
 * Stands in a task for a large argument that the parent wrote once to a file: a worker reads the
 * file at most once per call and passes the value to every task that refers to it. Not an API. This
 * class is immutable.
 */
public final class ArgumentRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final long size;

  /**
   * Creates a reference to the value serialized in the file at {@code path}, {@code size} bytes.
   */
  public ArgumentRef(String path, long size) {
    this.path = Objects.requireNonNull(path, "path");
    this.size = size;
  }

  /** Returns the absolute path of the file holding the serialized value. */
  public String path() {
    return path;
  }

  /** Returns the file's size in bytes. */
  public long size() {
    return size;
  }

  @Override
  public String toString() {
    return "ArgumentRef[" + path + ", " + size + " bytes]";
  }
}
