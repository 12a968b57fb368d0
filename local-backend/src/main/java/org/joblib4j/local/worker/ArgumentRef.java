package org.joblib4j.local.worker;

import java.io.Serializable;
import java.util.Objects;
import org.joblib4j.MmapMode;

/**
 * Stands in a task for a large argument that the parent wrote once to a file: a worker reads the
 * file at most once per call and passes the value to every task that refers to it. Not an API. This
 * class is immutable.
 */
public final class ArgumentRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final long size;
  private final MmapMode mmapMode;

  /**
   * Creates a reference to the value in the file at {@code path}, {@code size} bytes, written by
   * {@code LargeArgumentPolicy.write} and read back mapping buffers as {@code mmapMode} says.
   */
  public ArgumentRef(String path, long size, MmapMode mmapMode) {
    this.path = Objects.requireNonNull(path, "path");
    this.size = size;
    this.mmapMode = Objects.requireNonNull(mmapMode, "mmapMode");
  }

  /** Returns the absolute path of the file holding the serialized value. */
  public String path() {
    return path;
  }

  /** Returns how a worker maps the buffers in the file. */
  public MmapMode mmapMode() {
    return mmapMode;
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
