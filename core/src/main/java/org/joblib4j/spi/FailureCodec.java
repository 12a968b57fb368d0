package org.joblib4j.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.joblib4j.RemoteTaskException;
import org.jspecify.annotations.Nullable;

/**
 * Encodes a task's exception as data for the trip from a worker JVM or an executor back to the
 * caller: as plain data (class name, message and stack trace of it and of each cause) and as the
 * serializer's bytes of the exception itself, which keep its type and fields. The caller gets the
 * original exception when its class loads there and it deserializes, and otherwise a {@link
 * RemoteTaskException} chain that reads in full. So a task's failure always reaches the caller,
 * never as an infrastructure error. This class is immutable.
 *
 * <pre>
 * Layout: byte version (1); int causes n (the exception first, then its causes, at most 32);
 * per level: string class, byte has-message, string message, int frames, per frame (string
 * loader, module, module version, class, method, file, int line); int m, m bytes of the
 * serialized exception (0 when it could not be serialized). Strings are an int length and UTF-8.
 * </pre>
 *
 * @since 0.1
 */
public final class FailureCodec {
  private static final byte VERSION = 1;
  private static final int MAX_CAUSES = 32;

  private FailureCodec() {}

  /** Returns {@code failure} encoded; never throws for the exception's content. */
  public static byte[] encode(Throwable failure, Serializer serializer) {
    byte[] thrown;
    try {
      thrown = serializer.toBytes(failure);
    } catch (RuntimeException | StackOverflowError e) {
      thrown = new byte[0];
    }
    List<Throwable> chain = chain(failure);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 + thrown.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(chain.size());
      for (Throwable t : chain) {
        writeString(out, t.getClass().getName());
        String message = t.getMessage();
        out.writeBoolean(message != null);
        writeString(out, message == null ? "" : message);
        StackTraceElement[] trace = t.getStackTrace();
        out.writeInt(trace.length);
        for (StackTraceElement e : trace) {
          writeString(out, orEmpty(e.getClassLoaderName()));
          writeString(out, orEmpty(e.getModuleName()));
          writeString(out, orEmpty(e.getModuleVersion()));
          writeString(out, e.getClassName());
          writeString(out, e.getMethodName());
          writeString(out, orEmpty(e.getFileName()));
          out.writeInt(e.getLineNumber());
        }
      }
      out.writeInt(thrown.length);
      out.write(thrown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Returns the exception encoded in {@code bytes[offset, offset + length)}: the original when it
   * deserializes with {@code loader}, else a {@link RemoteTaskException} chain.
   *
   * @throws IllegalArgumentException if the bytes are not an encoded failure
   */
  public static Throwable decode(
      byte[] bytes, int offset, int length, Serializer serializer, ClassLoader loader) {
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, offset, length))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("Unknown failure encoding version " + version);
      }
      int n = in.readInt();
      if (n < 1 || n > MAX_CAUSES) {
        throw new IllegalArgumentException("A failure claims " + n + " causes");
      }
      RemoteTaskException[] levels = new RemoteTaskException[n];
      for (int i = 0; i < n; i++) {
        String className = readString(in);
        boolean hasMessage = in.readBoolean();
        String message = readString(in);
        StackTraceElement[] trace = new StackTraceElement[in.readInt()];
        for (int k = 0; k < trace.length; k++) {
          String loaderName = readString(in);
          String module = readString(in);
          String version2 = readString(in);
          String declaring = readString(in);
          String method = readString(in);
          String file = readString(in);
          int line = in.readInt();
          trace[k] =
              new StackTraceElement(
                  orNull(loaderName),
                  orNull(module),
                  orNull(version2),
                  declaring,
                  method,
                  orNull(file),
                  line);
        }
        levels[i] = new RemoteTaskException(className, hasMessage ? message : null, trace);
      }
      for (int i = 0; i + 1 < n; i++) {
        levels[i].initCause(levels[i + 1]);
      }
      byte[] thrown = new byte[in.readInt()];
      in.readFully(thrown);
      if (thrown.length > 0) {
        try {
          if (serializer.fromBytes(thrown, loader) instanceof Throwable t) {
            return t;
          }
        } catch (RuntimeException | LinkageError e) {
          // Its class, or a class it holds, is not here: the stand-in carries it in full.
        }
      }
      return levels[0];
    } catch (IOException e) {
      throw new IllegalArgumentException("A malformed failure: " + e, e);
    }
  }

  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    IdentityHashMap<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure;
        t != null && chain.size() < MAX_CAUSES && seen.put(t, Boolean.TRUE) == null;
        t = t.getCause()) {
      chain.add(t);
    }
    return chain;
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
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("a string claims " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
