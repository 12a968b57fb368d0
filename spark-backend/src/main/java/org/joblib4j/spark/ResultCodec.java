package org.joblib4j.spark;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.joblib4j.SerializationException;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.FailureCodec;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link BatchResult} into the bytes an executor returns to the driver, and back.
 *
 * <pre>
 * Design note. A success is a 0 byte followed by the serialized BatchResult. A failure is a 1
 * byte, the failed task's offset (4 bytes, big-endian), and the exception as the SPI's
 * FailureCodec encodes it for every remote backend: plain data for each level of its cause chain
 * and its serialized bytes, so the driver gets the original exception, or a RemoteTaskException
 * chain where its class cannot be loaded. So a task's exception always reaches the caller as
 * data, never as a Spark task failure.
 * </pre>
 */
final class ResultCodec {
  private static final byte SUCCESS = 0;
  private static final byte FAILURE = 1;

  private ResultCodec() {}

  /** Encodes {@code result}; a result that cannot be serialized becomes a failure. */
  static byte[] encode(BatchResult result, Serializer serializer) {
    Throwable failure = result.failure();
    if (failure != null) {
      return encodeFailure(result.failedOffset(), failure, serializer);
    }
    try {
      byte[] body = serializer.toBytes(result);
      byte[] out = new byte[body.length + 1];
      out[0] = SUCCESS;
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    } catch (SerializationException e) {
      List<@Nullable Object> values = result.values();
      for (int i = 0; i < values.size(); i++) {
        try {
          serializer.write(values.get(i), "result", OutputStream.nullOutputStream());
        } catch (SerializationException thisOne) {
          return encodeFailure(i, notSent(thisOne), serializer);
        }
      }
      return encodeFailure(0, notSent(e), serializer);
    }
  }

  private static SerializationException notSent(SerializationException e) {
    return new SerializationException(
        "The task's result could not be sent back to the driver: " + e.getMessage(), e);
  }

  /** Encodes the failure of the task at {@code offset}. */
  static byte[] encodeFailure(int offset, Throwable failure, Serializer serializer) {
    byte[] encoded = FailureCodec.encode(failure, serializer);
    byte[] out = new byte[encoded.length + 5];
    out[0] = FAILURE;
    out[1] = (byte) (offset >>> 24);
    out[2] = (byte) (offset >>> 16);
    out[3] = (byte) (offset >>> 8);
    out[4] = (byte) offset;
    System.arraycopy(encoded, 0, out, 5, encoded.length);
    return out;
  }

  /** Decodes bytes made by {@link #encode}, resolving classes with {@code loader}. */
  static BatchResult decode(byte[] bytes, Serializer serializer, ClassLoader loader) {
    if (bytes.length == 0) {
      throw new IllegalStateException("An executor returned an empty result");
    }
    if (bytes[0] == SUCCESS) {
      Object value = serializer.fromBytes(Arrays.copyOfRange(bytes, 1, bytes.length), loader);
      if (!(value instanceof BatchResult result)) {
        throw new IllegalStateException(
            "An executor returned "
                + (value == null ? "null" : value.getClass().getName())
                + " instead of a batch result");
      }
      return result;
    }
    if (bytes[0] != FAILURE || bytes.length < 5) {
      throw new IllegalStateException("An executor returned a malformed result");
    }
    int offset =
        ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8)
            | (bytes[4] & 0xff);
    try {
      return BatchResult.failure(
          offset, FailureCodec.decode(bytes, 5, bytes.length - 5, serializer, loader));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "An executor returned a malformed failure: %s", e), e);
    }
  }
}
