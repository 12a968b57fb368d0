package org.joblib4j.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Stores the files of a {@link Memory} cache: the storage SPI, after joblib's {@code
 * StoreBackendBase}. Paths are relative to the store's root, with {@code /} between segments, such
 * as {@code "org.example.MyMath.square/0f3a.../output"}.
 *
 * <p>{@link Memory} calls these methods from any thread, concurrently, and from many processes at
 * once on one location; an implementation keeps no per-call state and is thread-safe. Every method
 * that fails throws {@link IOException}; {@link Memory} logs the failure and falls back to calling
 * the function, so a failing store never fails a call. Implementations are {@link Serializable} so
 * a cached function can be sent to a worker JVM or a Spark executor; they reconnect lazily on the
 * other side.
 *
 * @since 0.1
 */
public interface StoreBackend extends Serializable {
  /** Returns the root of this store, as a URI ({@code file:/...}, {@code hdfs://...}). */
  URI location();

  /**
   * Opens the file at {@code path} for reading.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  InputStream openRead(String path) throws IOException;

  /**
   * Returns the file at {@code path} as a local {@link Path} when this store keeps its files on a
   * local file system (so they can be memory-mapped), or empty.
   */
  Optional<Path> localFile(String path);

  /**
   * Writes the file at {@code path} atomically: {@code writer} writes to a new file under a unique
   * temporary name in the same folder, which is then renamed to {@code path}, replacing any file
   * there. Readers see the old file or the new one, never a partial one; when {@code writer} or the
   * rename fails, the temporary file is removed. Parent folders are created.
   *
   * @return the number of bytes written
   */
  long writeAtomically(String path, Writer writer) throws IOException;

  /** Returns whether a file or folder exists at {@code path}. */
  boolean exists(String path) throws IOException;

  /** Records that the file at {@code path} was just read, for least-recently-used eviction. */
  void touch(String path) throws IOException;

  /** Deletes the file or folder at {@code path} with everything below it; absent is fine. */
  void delete(String path) throws IOException;

  /** Returns the names of the entries of the folder at {@code path}; empty when absent. */
  List<String> list(String path) throws IOException;

  /**
   * Returns the cached items of the store: every folder two levels below the root, with its size
   * (the sum of its files) and the last time its output was read or written.
   */
  List<CacheItem> items() throws IOException;

  /** Writes the content of one file. */
  @FunctionalInterface
  interface Writer {
    /** Writes the content to {@code out}; must not close it. */
    void writeTo(OutputStream out) throws IOException;
  }
}
