package org.joblib4j.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.joblib4j.JoblibException;
import org.joblib4j.MmapMode;
import org.joblib4j.Task;
import org.joblib4j.local.worker.ArgumentRef;
import org.joblib4j.spi.LargeArgumentPolicy;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The large arguments of one call (joblib's auto-memmapping): each distinct argument object larger
 * than {@code maxNbytes} is written once to a file in a private folder, and tasks carry an {@link
 * ArgumentRef} to it instead; which arguments are large, and the files' format, are the SPI's
 * {@link LargeArgumentPolicy}: with the default serializer a worker reads arrays in bulk and maps
 * {@code java.nio} buffers as the call's {@code mmapMode} says (read-only by default, as joblib's
 * {@code "r"}).
 *
 * <pre>
 * Design note. Arguments are told apart by identity, as joblib does: the same array passed to
 * 200 tasks is one file. Primitive arrays and buffers are judged by their length without
 * serializing them.
 * Other arguments are judged only when a serialized batch exceeds maxNbytes: then each argument
 * of the batch not judged before is serialized alone, and the large ones are spilled. Decisions
 * are kept for the call, so no argument is serialized twice to be measured; they are keyed weakly,
 * so they never keep an argument alive. The folder (mode 0700, files 0600, its name carrying this
 * JVM's pid, so that a later JVM can remove it if this one is killed) is made on the first
 * spill and deleted by close, which endCall runs however the call ends; a shutdown hook deletes
 * what a killed call left.
 * </pre>
 *
 * <p>Confined to the dispatcher's thread; not thread-safe.
 */
final class LargeArguments implements AutoCloseable {
  /** Files written since the JVM started, for tests. */
  static final AtomicLong FILES_WRITTEN = new AtomicLong();

  /** Bytes written to those files, for tests. */
  static final AtomicLong BYTES_WRITTEN = new AtomicLong();

  private static final Set<Path> LIVE_FOLDERS = ConcurrentHashMap.newKeySet();

  /** The start of the name of every call's folder, followed by the owner's pid and a dash. */
  static final String PREFIX = "joblib4j-processes-";

  /** The base folders swept for orphans in this JVM. */
  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

  private static final Object SMALL = new Object();

  private final @Nullable Path base;
  private final LargeArgumentPolicy policy;
  private final MmapMode mmapMode;
  private final WeakIdentityMap decided = new WeakIdentityMap();
  private @Nullable Path folder;
  private int files;

  LargeArguments(@Nullable Path base, long maxNbytes, MmapMode mmapMode) {
    this.base = base;
    this.policy = LargeArgumentPolicy.of(maxNbytes);
    this.mmapMode = mmapMode;
  }

  /**
   * Returns {@code tasks} with the arguments already known to be large, and primitive arrays larger
   * than the threshold, replaced by references.
   */
  List<Task<?>> replaceKnown(List<Task<?>> tasks, Serializer serializer) {
    return replace(tasks, serializer, false);
  }

  /**
   * Returns {@code tasks} with every argument whose serialized form is larger than the threshold
   * replaced by a reference; for batches whose serialized form is larger than the threshold.
   */
  List<Task<?>> replaceMeasured(List<Task<?>> tasks, Serializer serializer) {
    return replace(tasks, serializer, true);
  }

  /** Returns the folder holding this call's files, if one was made. */
  @Nullable Path folder() {
    return folder;
  }

  private List<Task<?>> replace(List<Task<?>> tasks, Serializer serializer, boolean measure) {
    List<Task<?>> out = null;
    for (int t = 0; t < tasks.size(); t++) {
      Task<?> task = tasks.get(t);
      List<@Nullable Object> args = task.arguments();
      List<@Nullable Object> replaced = null;
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        if (arg instanceof ArgumentRef || !policy.mayBeLarge(arg)) {
          continue;
        }
        Object ref = decided.get(arg);
        if (ref == null) {
          long size = LargeArgumentPolicy.knownSize(arg);
          if (policy.isLarge(size)) {
            ref = spill(arg, serializer);
            decided.put(arg, ref);
          } else if (size >= 0) {
            continue;
          } else if (measure) {
            byte[] bytes = serializer.toBytes(arg);
            ref = policy.isLarge(bytes.length) ? spill(arg, serializer) : SMALL;
            decided.put(arg, ref);
          } else {
            continue;
          }
        }
        if (ref instanceof ArgumentRef) {
          if (replaced == null) {
            replaced = new ArrayList<>(args);
          }
          replaced.set(i, ref);
        }
      }
      if (replaced != null) {
        if (out == null) {
          out = new ArrayList<>(tasks);
        }
        out.set(t, task.withArguments(replaced));
      }
    }
    return out == null ? tasks : out;
  }

  private ArgumentRef spill(Object arg, Serializer serializer) {
    try {
      Path dir = folder();
      if (dir == null) {
        dir = makeFolder();
      }
      Path file = dir.resolve("arg-" + (++files) + ".bin");
      LargeArgumentPolicy.write(arg, file, serializer);
      long size = Files.size(file);
      FILES_WRITTEN.incrementAndGet();
      BYTES_WRITTEN.addAndGet(size);
      return new ArgumentRef(file.toAbsolutePath().toString(), size, mmapMode);
    } catch (IOException e) {
      throw new JoblibException(
          String.format(
              Locale.ROOT,
              "Could not write a large argument (%s) to the temporary folder %s: %s. Set"
                  + " Parallel.tempFolder to a writable folder with free space, or raise"
                  + " maxNbytes (-1 disables sending large arguments by file).",
              arg.getClass().getSimpleName(),
              folder != null ? folder : baseFolder(),
              e),
          e);
    }
  }

  private Path makeFolder() throws IOException {
    Path b = baseFolder();
    Files.createDirectories(b);
    removeOrphans(b);
    String prefix = PREFIX + ProcessHandle.current().pid() + "-";
    Path dir =
        posix()
            ? Files.createTempDirectory(
                b,
                prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
            : Files.createTempDirectory(b, prefix);
    folder = dir;
    LIVE_FOLDERS.add(dir);
    return dir;
  }

  /**
   * Deletes the folders in {@code base} that calls of processes no longer running left behind (a
   * parent killed with kill -9 runs no shutdown hook): each folder's name carries its owner's
   * process id. Once per base folder and JVM. Folders of other users, or that cannot be deleted,
   * are left alone.
   */
  static void removeOrphans(Path base) {
    if (!SWEPT.add(base.toAbsolutePath())) {
      return;
    }
    try (Stream<Path> entries = Files.list(base)) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        int dash = name.indexOf('-', PREFIX.length());
        if (dash < 0) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name.substring(PREFIX.length(), dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        deleteQuietly(dir);
      }
    } catch (IOException | UncheckedIOException e) {
      // Only housekeeping: a folder that cannot be listed is not this call's problem.
    }
  }

  private Path baseFolder() {
    return base != null ? base : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Deletes this call's files and folder. Never throws. */
  @Override
  public void close() {
    decided.clear();
    Path dir = folder;
    folder = null;
    if (dir != null) {
      delete(dir);
      LIVE_FOLDERS.remove(dir);
    }
  }

  /**
   * Decisions keyed by argument identity that do not keep the arguments alive: a call over a stream
   * of distinct large arrays must not hold them all until it ends.
   */
  private static final class WeakIdentityMap {
    private final HashMap<Integer, List<Entry>> entries = new HashMap<>();
    private int puts;

    @Nullable Object get(Object key) {
      List<Entry> list = entries.get(System.identityHashCode(key));
      if (list != null) {
        for (Entry e : list) {
          if (e.key().get() == key) {
            return e.value();
          }
        }
      }
      return null;
    }

    void put(Object key, Object value) {
      entries
          .computeIfAbsent(System.identityHashCode(key), k -> new ArrayList<>(1))
          .add(new Entry(new WeakReference<>(key), value));
      if (++puts % 4096 == 0) {
        entries
            .values()
            .removeIf(
                list -> {
                  list.removeIf(e -> e.key().get() == null);
                  return list.isEmpty();
                });
      }
    }

    void clear() {
      entries.clear();
    }

    private record Entry(WeakReference<Object> key, Object value) {}
  }

  /** Deletes the folders of calls still running; run when the JVM exits. */
  static void deleteAll() {
    for (Path dir : LIVE_FOLDERS) {
      delete(dir);
    }
    LIVE_FOLDERS.clear();
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException e) {
      // Another user's folder, or one that is going away: not this JVM's to clean.
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException e) {
      System.err.println(
          "joblib4j: could not delete the temporary folder " + dir + " of large arguments: " + e);
    }
  }
}
