package org.joblib4j.memory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jspecify.annotations.Nullable;

/**
 * A store on any Hadoop {@link FileSystem} ({@code hdfs://}, {@code s3a://}, ...). Files are
 * written to a unique temporary name and moved into place with {@link FileSystem#rename}. This is
 * the only class of the package that touches Hadoop; it is loaded only for locations that are not
 * local. This class is thread-safe.
 */
final class HadoopStore implements StoreBackend {
  private static final long serialVersionUID = 1L;

  /*
   * Design note: FileSystem.rename is atomic on HDFS but, unlike POSIX rename, does not replace
   * an existing target. When the target exists (another writer finished the same entry first,
   * or the entry is being replaced after a forced recomputation or a corrupted read), the old
   * file is deleted and the rename retried. In that short window a reader finds no file, which
   * is a cache miss, never a partial read.
   */

  private final URI location;
  private transient volatile @Nullable FileSystem fs;
  private transient volatile boolean prepared;

  private HadoopStore(URI location) {
    this.location = location;
  }

  /** Opens a store at {@code location}; returns the SPI type so callers need no Hadoop class. */
  static StoreBackend open(URI location) {
    HadoopStore store = new HadoopStore(location);
    try {
      store.fs();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot open the cache location "
              + location
              + ": "
              + e.getMessage()
              + ". Check the URI and that the file system is reachable.",
          e);
    }
    return store;
  }

  private FileSystem fs() throws IOException {
    FileSystem f = fs;
    if (f == null) {
      f = FileSystem.get(location, new Configuration());
      fs = f;
    }
    return f;
  }

  private Path root() {
    return new Path(new Path(location), Memory.FOLDER);
  }

  private Path resolve(String path) {
    return path.isEmpty() ? root() : new Path(root(), path);
  }

  @Override
  public URI location() {
    return location;
  }

  @Override
  public InputStream openRead(String path) throws IOException {
    try {
      return fs().open(resolve(path));
    } catch (FileNotFoundException e) {
      throw (NoSuchFileException) new NoSuchFileException(resolve(path).toString()).initCause(e);
    }
  }

  @Override
  public Optional<java.nio.file.Path> localFile(String path) {
    return Optional.empty();
  }

  @Override
  public long writeAtomically(String path, Writer writer) throws IOException {
    FileSystem f = fs();
    prepare(f);
    Path target = resolve(path);
    Path tmp = new Path(target.getParent(), Stores.temporaryName(target.getName()));
    try {
      f.mkdirs(target.getParent());
      long size;
      try (FSDataOutputStream out = f.create(tmp, false)) {
        writer.writeTo(new NonClosing(out));
        out.hflush();
        size = out.getPos();
      }
      if (!f.rename(tmp, target)) {
        f.delete(target, false);
        if (!f.rename(tmp, target)) {
          throw new IOException("Could not rename " + tmp + " to " + target);
        }
      }
      return size;
    } catch (IOException | RuntimeException | Error e) {
      try {
        f.delete(tmp, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void prepare(FileSystem f) throws IOException {
    if (prepared) {
      return;
    }
    f.mkdirs(root());
    Path gitignore = new Path(new Path(location), ".gitignore");
    if (!f.exists(gitignore)) {
      try (FSDataOutputStream out = f.create(gitignore, false)) {
        out.write(Stores.GITIGNORE.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // Another process wrote it first: it is never overwritten.
      }
    }
    prepared = true;
  }

  @Override
  public boolean exists(String path) throws IOException {
    return fs().exists(resolve(path));
  }

  @Override
  public void touch(String path) throws IOException {
    fs().setTimes(resolve(path), -1, System.currentTimeMillis());
  }

  @Override
  public void delete(String path) throws IOException {
    fs().delete(resolve(path), true);
  }

  @Override
  public List<String> list(String path) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (FileStatus s : fs().listStatus(resolve(path))) {
        names.add(s.getPath().getName());
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    return names;
  }

  @Override
  public List<CacheItem> items() throws IOException {
    List<CacheItem> items = new ArrayList<>();
    FileSystem f = fs();
    FileStatus[] functions;
    try {
      functions = f.listStatus(root());
    } catch (FileNotFoundException e) {
      return items;
    }
    for (FileStatus function : functions) {
      if (!function.isDirectory()) {
        continue;
      }
      FileStatus[] arguments;
      try {
        arguments = f.listStatus(function.getPath());
      } catch (FileNotFoundException e) {
        continue;
      }
      for (FileStatus argument : arguments) {
        String name = argument.getPath().getName();
        if (!argument.isDirectory() || !Stores.isArgumentHash(name)) {
          continue;
        }
        try {
          long size = 0;
          long last = argument.getModificationTime();
          for (FileStatus file : f.listStatus(argument.getPath())) {
            size += file.getLen();
            if (file.getPath().getName().equals(Memory.OUTPUT)) {
              last = Math.max(file.getAccessTime(), file.getModificationTime());
            }
          }
          items.add(
              new CacheItem(
                  function.getPath().getName() + "/" + name, size, Instant.ofEpochMilli(last)));
        } catch (FileNotFoundException e) {
          // Deleted concurrently: no longer an item.
        }
      }
    }
    return items;
  }

  @Override
  public String toString() {
    return "HadoopStore[" + location + "]";
  }

  /** Keeps the writer from closing the Hadoop stream before it is flushed and measured. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
