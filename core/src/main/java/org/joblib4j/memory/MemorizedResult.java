package org.joblib4j.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.joblib4j.JoblibException;
import org.jspecify.annotations.Nullable;

/**
 * A reference to one cached result, returned by {@link MemorizedFunction#callAndShelve}: small,
 * {@link Serializable}, and readable later, from another thread, process or machine that sees the
 * same location (joblib's {@code MemorizedResult}). When caching is disabled the reference holds
 * the value itself. This class is thread-safe.
 *
 * @param <R> the result type
 */
public final class MemorizedResult<R> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final @Nullable Memory memory;
  private final String functionId;
  private final String argumentHash;
  private volatile @Nullable Object value;
  private volatile boolean holdsValue;

  MemorizedResult(Memory memory, String functionId, String argumentHash) {
    this.memory = memory;
    this.functionId = functionId;
    this.argumentHash = argumentHash;
  }

  private MemorizedResult(@Nullable Object value) {
    this.memory = null;
    this.functionId = "";
    this.argumentHash = "";
    this.value = value;
    this.holdsValue = true;
  }

  static <R> MemorizedResult<R> inMemory(@Nullable R value) {
    return new MemorizedResult<>(value);
  }

  /** Returns the name of the function's folder in the store; empty when not stored. */
  public String functionId() {
    return functionId;
  }

  /** Returns the hash of the arguments, the name of the result's folder; empty when not stored. */
  public String argumentHash() {
    return argumentHash;
  }

  /**
   * Reads the result.
   *
   * @throws NoSuchElementException if the result is no longer stored (it was cleared or evicted)
   * @throws JoblibException if the stored result cannot be read (the entry is corrupted)
   */
  @SuppressWarnings("unchecked")
  public @Nullable R get() {
    Memory m = memory;
    if (m == null) {
      if (!holdsValue) {
        throw new NoSuchElementException("No value stored: the result was cleared.");
      }
      return (R) value;
    }
    StoreBackend store = store(m);
    String output = functionId + "/" + argumentHash + "/" + Memory.OUTPUT;
    try {
      Object v;
      Optional<Path> local = store.localFile(output);
      if (local.isPresent()) {
        v = ResultFiles.load(local.get(), m.mmapModeValue());
      } else {
        try (InputStream in = store.openRead(output)) {
          v = ResultFiles.load(in);
        }
      }
      try {
        store.touch(output);
      } catch (IOException | RuntimeException e) {
        // The access time only orders eviction.
      }
      return (R) v;
    } catch (IOException | RuntimeException e) {
      if (ResultFiles.isMissing(e)) {
        throw new NoSuchElementException(
            "Non-existing item (may have been cleared): "
                + Stores.where(store, output)
                + " does not exist. Call the function again to recompute it.");
      }
      throw new JoblibException(
          "Error while trying to load a MemorizedResult's value. It seems that this folder is"
              + " corrupted: "
              + Stores.where(store, functionId + "/" + argumentHash)
              + ". Clear it and call the function again.",
          e);
    }
  }

  /** Returns the stored {@code metadata.json}, or empty when not stored or unreadable. */
  public Optional<CacheMetadata> metadata() {
    Memory m = memory;
    if (m == null) {
      return Optional.empty();
    }
    return MemorizedFunction.readMetadata(store(m), functionId + "/" + argumentHash);
  }

  /** Deletes the stored result; a later {@link #get} throws {@link NoSuchElementException}. */
  public void clear() {
    Memory m = memory;
    if (m == null) {
      value = null;
      holdsValue = false;
      return;
    }
    StoreBackend store = store(m);
    try {
      store.delete(functionId + "/" + argumentHash);
    } catch (IOException e) {
      CacheLog.warn("Could not clear " + this, e);
    }
  }

  private static StoreBackend store(Memory m) {
    StoreBackend store = m.store();
    if (store == null) {
      throw new IllegalStateException("The memory of a stored result has no store");
    }
    return store;
  }

  @Override
  public String toString() {
    Memory m = memory;
    if (m == null) {
      return "NotMemorizedResult(" + (holdsValue ? "value" : "cleared") + ")";
    }
    return "MemorizedResult(location=\""
        + store(m).location()
        + "\", func=\""
        + functionId
        + "\", args_id=\""
        + argumentHash
        + "\")";
  }
}
