package org.joblib4j.persist;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.jspecify.annotations.Nullable;

/**
 * Dump and load on Hadoop {@code FileSystem} URIs. The only class of this package that touches
 * Hadoop, loaded only for URIs that are not local, so programs with local paths never load Hadoop.
 */
final class HadoopFiles {
  private HadoopFiles() {}

  static void dump(@Nullable Object value, URI target, Compression compression) {
    Configuration conf = configuration();
    Path path = new Path(target);
    Path parent = path.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("Cannot dump to " + target + ": it is not a file URI");
    }
    Path tmp = new Path(parent, Persistence.temporaryName(path.getName()));
    boolean moved = false;
    FileSystem fs = null;
    try {
      fs = path.getFileSystem(conf);
      try (OutputStream out = fs.create(tmp, false)) {
        Persistence.dump(value, out, compression);
      }
      rename(fs, conf, tmp, path);
      moved = true;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not dump to " + target + ": " + e.getMessage(), e);
    } finally {
      if (!moved && fs != null) {
        try {
          fs.delete(tmp, false);
        } catch (IOException e) {
          // The temporary name is never read as a value; a later dump uses another one.
        }
      }
    }
  }

  private static void rename(FileSystem fs, Configuration conf, Path tmp, Path target)
      throws IOException {
    FileContext context;
    try {
      context = FileContext.getFileContext(fs.getUri(), conf);
    } catch (UnsupportedFileSystemException e) {
      context = null;
    }
    if (context != null) {
      context.rename(tmp, target, Options.Rename.OVERWRITE);
      return;
    }
    // No atomic replacing rename on this file system (object stores): replace in two steps.
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("rename of " + tmp + " to " + target + " failed");
    }
  }

  static @Nullable Object load(URI source, LoadOptions options) {
    Configuration conf = configuration();
    Path path = new Path(source);
    try {
      FileSystem fs = path.getFileSystem(conf);
      long size = fs.getFileStatus(path).getLen();
      try (InputStream in = fs.open(path)) {
        return Persistence.load(in, source.toString(), size, options);
      }
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException("Cannot load " + source + ": the file does not exist.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load " + source + ": " + e.getMessage(), e);
    }
  }

  /** Returns the configuration from the class path ({@code core-site.xml}), read once. */
  private static Configuration configuration() {
    return Conf.INSTANCE;
  }

  private static final class Conf {
    static final Configuration INSTANCE = new Configuration();
  }
}
