package org.joblib4j.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.stream.Stream;
import org.joblib4j.JoblibException;

/**
 * The private folder a {@link WorkerPool} binds its workers' Unix-domain sockets in, one socket
 * per starting worker, each removed once its worker connected. This class is thread-safe.
 *
 * <pre>
 * Design note. On POSIX file systems the folder is created with mode 0700, so only the user that
 * runs the parent can reach a socket in it: the protocol needs no authentication of its own. On
 * other systems (Windows) the folder gets the default permissions of its parent folder, which for
 * the user's own temporary folder means the user and administrators.
 *
 * A socket path is limited to about 107 bytes (104 on macOS), so names are short: the folder is
 * jl4j followed by a random number, and a socket is w followed by the worker's id. When
 * java.io.tmpdir is too long for that, the folder goes in /tmp where it exists.
 * </pre>
 */
final class SocketFolder {
  /** The longest socket path this class makes, in bytes, below every platform's limit. */
  static final int MAX_PATH_BYTES = 100;

  /** How many bytes the folder's and a socket's names add to the base folder's path, at most. */
  private static final int NAME_BYTES = "/jl4j18446744073709551615/w2147483647".length();

  private final Path dir;

  private SocketFolder(Path dir) {
    this.dir = dir;
  }

  /** Creates a new folder under {@code java.io.tmpdir}, or {@code /tmp} when that is too long. */
  static SocketFolder create() throws IOException {
    Path base = base(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
    Path dir =
        posix()
            ? Files.createTempDirectory(
                base,
                "jl4j",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
            : Files.createTempDirectory(base, "jl4j");
    dir.toFile().deleteOnExit();
    return new SocketFolder(dir);
  }

  /** Returns the folder, under which sockets are bound, for tests and diagnostics. */
  Path path() {
    return dir;
  }

  /** Returns the path of the socket of worker {@code id}. */
  Path socket(int id) {
    return dir.resolve("w" + id);
  }

  /** Deletes the folder and any socket left in it. Never throws. */
  void delete() {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException e) {
      if (Files.exists(dir)) {
        System.err.println("joblib4j: could not delete the worker socket folder " + dir + ": " + e);
      }
    }
  }

  private static Path base(Path tmpdir) {
    if (fits(tmpdir)) {
      return tmpdir;
    }
    Path tmp = Path.of("/tmp");
    if (posix() && Files.isDirectory(tmp) && Files.isWritable(tmp)) {
      return tmp;
    }
    throw new JoblibException(
        String.format(
            Locale.ROOT,
            "The temporary folder %s is too long for the socket paths of the processes backend's"
                + " workers (at most %d bytes with the names added to it); start the JVM with"
                + " -Djava.io.tmpdir set to a shorter folder",
            tmpdir,
            MAX_PATH_BYTES));
  }

  private static boolean fits(Path base) {
    return base.toString().getBytes(StandardCharsets.UTF_8).length + NAME_BYTES <= MAX_PATH_BYTES;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
