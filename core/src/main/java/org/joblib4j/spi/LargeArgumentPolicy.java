package org.joblib4j.spi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.joblib4j.persist.Compression;
import org.joblib4j.persist.LoadOptions;
import org.jspecify.annotations.Nullable;

/**
 * Which task arguments are large enough to send once per call instead of once per task (joblib's
 * {@code max_nbytes}), and how a remote backend writes and reads one: the rule every remote backend
 * applies, so a value is large, or not, the same way on worker JVMs and on executors. This class is
 * immutable.
 *
 * <p>An argument is large when its serialized form is larger than {@code maxNbytes}. A primitive
 * array or a {@code java.nio} buffer is judged by its length, without serializing it; a boxed
 * value, an enum or a string too short to exceed the threshold is never large; anything else is
 * judged by serializing it, which a backend does only when a whole batch exceeds the threshold.
 *
 * @since 0.1
 */
public final class LargeArgumentPolicy {
  private final long maxNbytes;

  private LargeArgumentPolicy(long maxNbytes) {
    this.maxNbytes = maxNbytes;
  }

  /** Returns the policy for {@code maxNbytes}: -1 disables it, 0 makes every argument large. */
  public static LargeArgumentPolicy of(long maxNbytes) {
    if (maxNbytes < -1) {
      throw new IllegalArgumentException("maxNbytes must be -1 (disabled) or >= 0: " + maxNbytes);
    }
    return new LargeArgumentPolicy(maxNbytes);
  }

  /** Returns the policy of a backend's options. */
  public static LargeArgumentPolicy of(BackendOptions options) {
    return of(options.maxNbytes());
  }

  /** Returns whether large arguments are sent apart at all. */
  public boolean enabled() {
    return maxNbytes >= 0;
  }

  /** Returns the threshold in bytes, -1 when disabled. */
  public long maxNbytes() {
    return maxNbytes;
  }

  /**
   * Returns whether {@code argument} may be large: false when the policy is disabled, for null, and
   * for values that cannot exceed the threshold.
   */
  public boolean mayBeLarge(@Nullable Object argument) {
    if (!enabled() || argument == null) {
      return false;
    }
    return !(argument instanceof Number
        || argument instanceof Boolean
        || argument instanceof Character
        || argument instanceof Enum<?>
        || (argument instanceof String s && 3L * s.length() + 8 <= maxNbytes));
  }

  /**
   * Returns the size in bytes of a primitive array's elements or a buffer's remaining elements, or
   * -1 for any other value, whose size only serializing it tells.
   */
  public static long knownSize(Object argument) {
    if (argument instanceof Buffer b) {
      return (long) b.remaining() * elementBytes(b);
    }
    Class<?> c = argument.getClass().getComponentType();
    if (c == null || !c.isPrimitive()) {
      return -1;
    }
    long n = java.lang.reflect.Array.getLength(argument);
    if (c == long.class || c == double.class) {
      return n * 8;
    } else if (c == int.class || c == float.class) {
      return n * 4;
    } else if (c == short.class || c == char.class) {
      return n * 2;
    }
    return n;
  }

  /** Returns whether a value of {@code bytes} bytes is large under this policy. */
  public boolean isLarge(long bytes) {
    return enabled() && bytes > maxNbytes;
  }

  private static int elementBytes(Buffer b) {
    if (b instanceof DoubleBuffer || b instanceof LongBuffer) {
      return 8;
    } else if (b instanceof IntBuffer || b instanceof FloatBuffer) {
      return 4;
    } else if (b instanceof ShortBuffer || b instanceof CharBuffer) {
      return 2;
    } else if (b instanceof ByteBuffer) {
      return 1;
    }
    return 1;
  }

  /**
   * Writes a large argument to {@code file}, readable by {@link #read} in another JVM, and makes
   * the file readable by its owner only (on POSIX file systems; elsewhere the folder's rights
   * apply). With the {@code kryo} serializer the file is in joblib4j's persistence format, whose
   * arrays and buffers a reader takes in bulk or maps; with another serializer it holds that
   * serializer's bytes.
   *
   * @throws org.joblib4j.SerializationException if the value cannot travel
   * @throws IOException if the file cannot be written
   */
  public static void write(Object value, Path file, Serializer serializer) throws IOException {
    if (serializer.name().equals("kryo")) {
      try {
        Joblib.dump(value, file, Compression.NONE);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    } else {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        serializer.write(value, "argument", out);
      }
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /**
   * Reads a value that {@link #write} wrote with {@code serializer}; buffers in a
   * persistence-format file are mapped as {@code mmapMode} says, arrays read in bulk.
   *
   * @throws IOException if the file cannot be read
   */
  public static @Nullable Object read(
      Path file, Serializer serializer, MmapMode mmapMode, ClassLoader loader) throws IOException {
    if (serializer.name().equals("kryo")) {
      try {
        return Joblib.load(file, Object.class, LoadOptions.defaults().mmapMode(mmapMode));
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return serializer.read(in, loader);
    }
  }

  @Override
  public String toString() {
    return "LargeArgumentPolicy[maxNbytes=" + maxNbytes + "]";
  }
}
