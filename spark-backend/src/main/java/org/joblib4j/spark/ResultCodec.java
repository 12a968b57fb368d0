package org.joblib4j.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.joblib4j.RemoteTaskException;
import org.joblib4j.SerializationException;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.BatchResult;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link BatchResult} into the bytes an executor returns to the driver, and back.
 *
 * <pre>
 * Design note. A success is a 0 byte followed by the serialized BatchResult. A failure is a 1
 * byte, the failed task's offset, and the exception twice: as plain data (class name, message,
 * stack trace) and as serialized bytes. The driver deserializes the exception with the caller's
 * class loader and falls back to a RemoteTaskException built from the plain data when its class
 * (or a class it holds) cannot be loaded there, or when it could not be serialized at all. So a
 * task's exception always reaches the caller as data, never as a Spark task failure.
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
      int offset = 0;
      for (int i = 0; i < values.size(); i++) {
        try {
          serializer.toBytes(values.get(i));
        } catch (SerializationException notThis) {
          offset = i;
          break;
        }
      }
      return encodeFailure(
          offset,
          new SerializationException(
              "The task's result could not be sent back to the driver: " + e.getMessage(), e),
          serializer);
    }
  }

  /** Encodes the failure of the task at {@code offset}. */
  static byte[] encodeFailure(int offset, Throwable failure, Serializer serializer) {
    byte[] thrown;
    try {
      thrown = serializer.toBytes(failure);
    } catch (RuntimeException e) {
      thrown = new byte[0];
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + thrown.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FAILURE);
      out.writeInt(offset);
      writeString(out, failure.getClass().getName());
      writeString(out, String.valueOf(failure.getMessage()));
      StackTraceElement[] trace = failure.getStackTrace();
      out.writeInt(trace.length);
      for (StackTraceElement e : trace) {
        writeString(out, orEmpty(e.getClassLoaderName()));
        writeString(out, orEmpty(e.getModuleName()));
        writeString(out, orEmpty(e.getModuleVersion()));
        writeString(out, e.getClassName());
        writeString(out, e.getMethodName());
        writeString(out, e.getFileName() == null ? "" : e.getFileName());
        out.writeInt(e.getLineNumber());
      }
      out.writeInt(thrown.length);
      out.write(thrown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
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
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length))) {
      int offset = in.readInt();
      String className = readString(in);
      String message = readString(in);
      StackTraceElement[] trace = new StackTraceElement[in.readInt()];
      for (int i = 0; i < trace.length; i++) {
        String loaderName = readString(in);
        String module = readString(in);
        String version = readString(in);
        String declaring = readString(in);
        String method = readString(in);
        String file = readString(in);
        int line = in.readInt();
        trace[i] =
            new StackTraceElement(
                orNull(loaderName),
                orNull(module),
                orNull(version),
                declaring,
                method,
                orNull(file),
                line);
      }
      byte[] thrown = new byte[in.readInt()];
      in.readFully(thrown);
      Throwable failure = null;
      if (thrown.length > 0) {
        try {
          Object value = serializer.fromBytes(thrown, loader);
          if (value instanceof Throwable t) {
            failure = t;
          }
        } catch (RuntimeException | LinkageError e) {
          failure = null;
        }
      }
      if (failure == null) {
        failure = new RemoteTaskException(className, message, trace);
      }
      return BatchResult.failure(offset, failure);
    } catch (IOException e) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "An executor returned a malformed failure: %s", e), e);
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static @Nullable String orNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
