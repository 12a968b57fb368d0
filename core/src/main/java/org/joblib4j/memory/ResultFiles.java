package org.joblib4j.memory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.joblib4j.persist.Compression;
import org.joblib4j.persist.LoadOptions;
import org.jspecify.annotations.Nullable;

/** Writes, reads and hashes cached values with {@link Joblib}'s format and hash. */
final class ResultFiles {
  private static final LoadOptions IN_HEAP = LoadOptions.defaults();
  private static final LoadOptions READ_ONLY = IN_HEAP.mmapMode(MmapMode.READ_ONLY);
  private static final LoadOptions COPY_ON_WRITE = IN_HEAP.mmapMode(MmapMode.COPY_ON_WRITE);

  private ResultFiles() {}

  static void dump(@Nullable Object value, OutputStream out, Compression compression) {
    Joblib.dump(value, out, compression);
  }

  static @Nullable Object load(Path file, MmapMode mmapMode) {
    LoadOptions options =
        mmapMode == MmapMode.READ_ONLY
            ? READ_ONLY
            : mmapMode == MmapMode.COPY_ON_WRITE ? COPY_ON_WRITE : IN_HEAP;
    return Joblib.load(file, Object.class, options);
  }

  static @Nullable Object load(InputStream in) {
    return Joblib.load(in, Object.class, IN_HEAP);
  }

  static String hash(@Nullable Object... values) {
    return Joblib.hash(values);
  }

  /** Returns whether {@code e} says the file does not exist, rather than that it is damaged. */
  static boolean isMissing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NoSuchFileException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
