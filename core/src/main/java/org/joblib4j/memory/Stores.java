package org.joblib4j.memory;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.joblib4j.internal.Checks;

/** Opens stores by location and holds what every store shares. */
final class Stores {
  /** The content of the {@code .gitignore} written beside the store's folder. */
  static final String GITIGNORE = "# Created by joblib4j automatically.\n*\n";

  private static final long PID = ProcessHandle.current().pid();

  private Stores() {}

  /**
   * Opens the store for {@code location}: a local store for a URI without a scheme or with {@code
   * file:}, a Hadoop {@code FileSystem} store for any other scheme. Hadoop classes are loaded only
   * in the second case.
   */
  static StoreBackend open(URI location) {
    String scheme = location.getScheme();
    if (scheme == null) {
      return new LocalStore(Path.of(location.getPath()));
    }
    if (scheme.equalsIgnoreCase("file")) {
      return new LocalStore(Path.of(location));
    }
    try {
      Class.forName("org.apache.hadoop.fs.FileSystem", false, Stores.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          Checks.format(
              "Cannot open the cache location %s: the scheme \"%s\" needs Hadoop's FileSystem,"
                  + " which is not on the class path. Use a local path or a file: URI, or add"
                  + " org.apache.hadoop:hadoop-client-api and hadoop-client-runtime.",
              location, scheme),
          e);
    }
    return HadoopStore.open(location);
  }

  /** Returns the full address of {@code path} in {@code store}, for messages. */
  static String where(StoreBackend store, String path) {
    String root = store.location().toString();
    return root + (root.endsWith("/") ? "" : "/") + Memory.FOLDER + "/" + path;
  }

  /** Returns a name for a temporary file beside {@code name}, unique across processes. */
  static String temporaryName(String name) {
    return Checks.format(
        "%s.%d-%016x-%d-%d.tmp",
        name,
        System.currentTimeMillis(),
        ThreadLocalRandom.current().nextLong(),
        PID,
        Thread.currentThread().getId());
  }

  /**
   * Returns whether {@code name} is a temporary file that {@link #temporaryName} made before {@code
   * cutoffMillis}: left behind by a writer that was killed or failed to clean up.
   */
  static boolean isStaleTemporary(String name, long cutoffMillis) {
    if (!name.endsWith(".tmp")) {
      return false;
    }
    int dot = name.lastIndexOf('.', name.length() - 5);
    int dash = name.indexOf('-', dot + 1);
    if (dot < 0 || dash < 0) {
      return false;
    }
    try {
      return Long.parseLong(name.substring(dot + 1, dash)) < cutoffMillis;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Returns whether {@code name} is an argument hash (32 lowercase hex digits). */
  static boolean isArgumentHash(String name) {
    if (name.length() != 32) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
