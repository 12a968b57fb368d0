package org.joblib4j.memory;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A store on a local file system, through {@code java.nio}: the fast path. Files are written to a
 * unique temporary name and moved into place with {@link StandardCopyOption#ATOMIC_MOVE}. This
 * class is thread-safe.
 */
final class LocalStore implements StoreBackend {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER = 1 << 16;

  private final URI location;
  private transient volatile @Nullable Path root;
  private transient volatile boolean prepared;

  LocalStore(Path location) {
    this.location = location.toAbsolutePath().normalize().toUri();
  }

  @Override
  public URI location() {
    return location;
  }

  private Path root() {
    Path r = root;
    if (r == null) {
      r = Path.of(location).resolve(Memory.FOLDER);
      root = r;
    }
    return r;
  }

  private Path resolve(String path) {
    return root().resolve(path);
  }

  @Override
  public InputStream openRead(String path) throws IOException {
    return Files.newInputStream(resolve(path));
  }

  @Override
  public Optional<Path> localFile(String path) {
    return Optional.of(resolve(path));
  }

  @Override
  public long writeAtomically(String path, Writer writer) throws IOException {
    prepare();
    Path target = resolve(path);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(Stores.temporaryName(target.getFileName().toString()));
    long[] count = new long[1];
    try {
      try (FileChannel channel =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = counting(Channels.newOutputStream(channel), count)) {
        writer.writeTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return count[0];
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static OutputStream counting(OutputStream raw, long[] count) {
    return new BufferedOutputStream(
        new FilterOutputStream(raw) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count[0] += len;
          }

          @Override
          public void write(int b) throws IOException {
            out.write(b);
            count[0]++;
          }
        },
        BUFFER);
  }

  /** Creates the root folder and the {@code .gitignore} beside it, once per instance. */
  private void prepare() throws IOException {
    if (prepared) {
      return;
    }
    Files.createDirectories(root());
    Path gitignore = Path.of(location).resolve(".gitignore");
    if (!Files.exists(gitignore)) {
      try {
        Files.write(
            gitignore,
            Stores.GITIGNORE.getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        // Another process wrote it first: it is never overwritten.
      }
    }
    prepared = true;
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(resolve(path));
  }

  @Override
  public void touch(String path) throws IOException {
    Files.getFileAttributeView(resolve(path), BasicFileAttributeView.class)
        .setTimes(null, FileTime.from(Instant.now()), null);
  }

  @Override
  public void delete(String path) throws IOException {
    Path start = path.isEmpty() ? root() : resolve(path);
    if (!Files.exists(start)) {
      return;
    }
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e)
              throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public List<String> list(String path) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(resolve(path))) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return names;
  }

  @Override
  public List<CacheItem> items() throws IOException {
    List<CacheItem> items = new ArrayList<>();
    for (String function : list("")) {
      if (!Files.isDirectory(resolve(function))) {
        continue;
      }
      for (String argument : list(function)) {
        String item = function + "/" + argument;
        Path dir = resolve(item);
        if (!Stores.isArgumentHash(argument) || !Files.isDirectory(dir)) {
          continue;
        }
        try {
          long size = 0;
          try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
              size += Files.size(f);
            }
          }
          Path output = dir.resolve(Memory.OUTPUT);
          BasicFileAttributes attrs =
              Files.exists(output)
                  ? Files.readAttributes(output, BasicFileAttributes.class)
                  : Files.readAttributes(dir, BasicFileAttributes.class);
          FileTime last =
              attrs.lastAccessTime().compareTo(attrs.lastModifiedTime()) > 0
                  ? attrs.lastAccessTime()
                  : attrs.lastModifiedTime();
          items.add(new CacheItem(item, size, last.toInstant()));
        } catch (NoSuchFileException e) {
          // Deleted concurrently: no longer an item.
        }
      }
    }
    return items;
  }

  @Override
  public String toString() {
    return "LocalStore[" + location + "]";
  }
}
