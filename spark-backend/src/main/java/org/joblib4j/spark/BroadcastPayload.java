package org.joblib4j.spark;

import java.io.Serializable;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * A large argument as the bytes of the project's serializer, sent to executors as the value of a
 * broadcast variable and decoded at most once per executor. This class is thread-safe.
 *
 * <p>Spark keeps one deserialized instance of a broadcast value per executor, so the decoded
 * argument cached in the transient field is shared by every task of that executor.
 */
final class BroadcastPayload implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private final String serializer;
  private transient volatile @Nullable Object value;
  private transient volatile boolean decoded;

  BroadcastPayload(byte[] bytes, String serializer) {
    this.bytes = bytes;
    this.serializer = serializer;
  }

  /** Returns the argument, decoding it with the thread's context class loader the first time. */
  @Nullable Object value() {
    if (!decoded) {
      synchronized (this) {
        if (!decoded) {
          value = Serializer.named(serializer).fromBytes(bytes, Serializer.contextLoader());
          decoded = true;
        }
      }
    }
    return value;
  }

  int size() {
    return bytes.length;
  }
}
