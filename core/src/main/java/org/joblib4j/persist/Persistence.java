package org.joblib4j.persist;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.joblib4j.CorruptFileException;
import org.joblib4j.MmapMode;
import org.joblib4j.SerializationException;
import org.joblib4j.internal.Logs;
import org.joblib4j.serial.JoblibKryo;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Writes and reads joblib4j files; the implementation behind {@link org.joblib4j.Joblib#dump} and
 * {@link org.joblib4j.Joblib#load}, which most programs should call instead. The format is
 * described in the {@linkplain org.joblib4j.persist package documentation}. This class is
 * thread-safe.
 *
 * <p><b>Loading a file from an untrusted source without a class filter ({@link
 * LoadOptions#classFilter}) is unsafe</b>: it may instantiate any class on the class path.
 */
public final class Persistence {
  /* Design note: dumps go to ".<name>.<random>.tmp" in the target's folder and are renamed
   * over the target with ATOMIC_MOVE once complete, so readers see the old file or the new one,
   * never a part. A process killed mid-write leaves only the temporary file, which no reader
   * opens. The data is not forced to the device: a dump survives the death of the process, not
   * the loss of power.
   *
   * An uncompressed dump that finds no Kryo instance in the pool (the first of a JVM) starts
   * building one on a thread of its own, and meanwhile writes the value's first large arrays at
   * offsets planned before the graph is known (AheadPlan, FrameWriter). Building Kryo loads about
   * 300 classes, which takes as long as writing a hundred megabytes or more. The graph itself is
   * always written on the caller's thread, so a serializer, accessor or writeObject method runs
   * where the caller holds its locks. */

  private Persistence() {}

  /**
   * Holds the logger, so that a dump or load that logs nothing does not start the program's logging
   * back-end: the first call of SLF4J binds and configures it, which with a back-end such as Log4j
   * 2 takes longer than writing hundreds of megabytes.
   */
  private static final class Log {
    static final Logger LOG = Logs.get(Persistence.class);

    private Log() {}
  }

  /** Returns whether {@code uri} names a local file ({@code file:} scheme or no scheme). */
  public static boolean isLocal(URI uri) {
    String scheme = uri.getScheme();
    return scheme == null || scheme.equalsIgnoreCase("file");
  }

  /** Returns whether {@code fileName} is a temporary name of an unfinished dump. */
  public static boolean isTemporaryName(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(".tmp");
  }

  /**
   * Writes {@code value} to {@code target} atomically: to a temporary file in the same folder,
   * renamed over {@code target} when complete.
   *
   * @throws UncheckedIOException if the file cannot be written
   * @throws SerializationException naming the class that cannot be serialized
   */
  public static void dump(@Nullable Object value, Path target, Compression compression) {
    dump(value, target, compression, null);
  }

  /**
   * Writes {@code value} to {@code target} as {@link #dump(Object, Path, Compression)} does; with
   * {@code maker}, an uncompressed dump always builds its Kryo instance with it, on a thread of its
   * own, while it writes the value's large arrays ahead (tests check that path with it).
   */
  static void dump(
      @Nullable Object value,
      Path target,
      Compression compression,
      @Nullable Callable<Kryo> maker) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path fileName = abs.getFileName();
    if (dir == null || fileName == null) {
      throw new IllegalArgumentException("Cannot dump to " + target + ": it is not a file path");
    }
    Path tmp = dir.resolve(temporaryName(fileName.toString()));
    // With no Kryo instance ready, building one takes longer than writing tens of megabytes: it
    // is built on another thread while this one writes the value's large arrays (FrameWriter).
    PersistKryo.Build build =
        compression.codec() == Compression.Codec.NONE && (maker != null || !PersistKryo.hasIdle())
            ? PersistKryo.Build.start(maker != null ? maker : new PersistKryo.NewKryo())
            : null;
    boolean moved = false;
    try {
      AheadPlan plan = build != null ? AheadPlan.of(value) : null;
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer h = header(compression);
        while (h.hasRemaining()) {
          ch.write(h);
        }
        if (compression.codec() == Compression.Codec.NONE) {
          if (build != null) {
            writeBody(value, new FrameWriter(Sink.of(ch), plan), build);
          } else {
            writeBody(value, Sink.of(ch));
          }
        } else {
          OutputStream file = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
          try (OutputStream body =
              new BufferedOutputStream(Codecs.compress(file, compression), 1 << 16)) {
            writeBody(value, Sink.of(body));
          }
        }
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          "Cannot dump to " + abs + ": the folder " + dir + " does not exist; create it first.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not dump to " + abs + ": " + e.getMessage(), e);
    } finally {
      if (build != null) {
        build.close();
      }
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          Log.LOG.warn("Could not delete the temporary file {}: {}", tmp, e.toString());
        }
      }
    }
  }

  /** Writes {@code value} to {@code out}, which is flushed but not closed. */
  public static void dump(@Nullable Object value, OutputStream out, Compression compression) {
    try {
      ByteBuffer h = header(compression);
      out.write(h.array(), 0, h.limit());
      try (OutputStream body =
          new BufferedOutputStream(Codecs.compress(Codecs.keepOpen(out), compression), 1 << 16)) {
        writeBody(value, Sink.of(body));
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not dump to a stream: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code value} to {@code target}: a {@code file:} URI or any Hadoop {@code FileSystem}
   * URI ({@code hdfs://}, {@code s3a://}); the latter needs {@code hadoop-client-api} and {@code
   * hadoop-client-runtime} on the class path. On HDFS the final rename is atomic; on file systems
   * without an atomic rename that replaces (such as S3) the old file is deleted first.
   */
  public static void dump(@Nullable Object value, URI target, Compression compression) {
    if (isLocal(target)) {
      dump(value, Path.of(localUri(target)), compression);
    } else {
      HadoopFiles.dump(value, target, compression);
    }
  }

  /**
   * Reads the value in {@code source}; the codec comes from the file's header. With {@link
   * LoadOptions#mmapMode} set and an uncompressed file, buffers are views of a mapping of it.
   *
   * @throws CorruptFileException if the file is truncated, damaged or not a joblib4j file
   * @throws DisallowedClassException if the file names a class the filter refuses
   * @throws UncheckedIOException if the file cannot be read
   */
  public static @Nullable Object load(Path source, LoadOptions options) {
    String name = source.toString();
    // A private (copy-on-write) mapping needs a channel open for writing; nothing is written.
    StandardOpenOption[] open =
        options.mmapMode() == MmapMode.COPY_ON_WRITE
            ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
            : new StandardOpenOption[] {StandardOpenOption.READ};
    try (FileChannel ch = FileChannel.open(source, open)) {
      long size = ch.size();
      ByteBuffer h = ByteBuffer.allocate(Format.HEADER_SIZE);
      while (h.hasRemaining()) {
        if (ch.read(h) < 0) {
          break;
        }
      }
      Compression.Codec outer = outerCodec(h.array(), h.position());
      if (outer != null) {
        // The whole dump was compressed afterwards (gzip v.pkl): read it through that codec.
        warnMmap(options, name, "the whole file is compressed with " + outer);
        ch.position(0);
        try (InputStream in =
            openDecompressor(
                new BufferedInputStream(Channels.newInputStream(ch), 1 << 16), outer, name)) {
          return load(in, name, -1, options.mmapMode(MmapMode.NONE), true);
        }
      }
      Compression.Codec codec = parseHeader(h, name);
      FrameReader reader;
      if (codec == Compression.Codec.NONE) {
        reader = new FrameReader(name, true, size - Format.HEADER_SIZE, options.mmapMode());
        reader.source(Source.of(ch, name));
        return readBody(reader, options, name);
      }
      warnMmap(options, name, "it is compressed with " + codec);
      try (InputStream in =
          openDecompressor(
              new BufferedInputStream(Channels.newInputStream(ch), 1 << 16), codec, name)) {
        reader = new FrameReader(name, false, -1, MmapMode.NONE);
        reader.source(Source.of(in, name, true, reader));
        return readBody(reader, options, name);
      }
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("Cannot load " + name + ": the file does not exist.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load " + name + ": " + e.getMessage(), e);
    }
  }

  /** Reads the value in {@code in}, which is not closed; it is never memory-mapped. */
  public static @Nullable Object load(InputStream in, LoadOptions options) {
    return load(in, "stream", -1, options);
  }

  /**
   * Reads the value in {@code source}: a {@code file:} URI or any Hadoop {@code FileSystem} URI.
   */
  public static @Nullable Object load(URI source, LoadOptions options) {
    if (isLocal(source)) {
      return load(Path.of(localUri(source)), options);
    }
    return HadoopFiles.load(source, options);
  }

  /** Reads from a stream of {@code size} bytes in all ({@code -1} when unknown). */
  static @Nullable Object load(InputStream in, String name, long size, LoadOptions options) {
    return load(in, name, size, options, false);
  }

  private static @Nullable Object load(
      InputStream in, String name, long size, LoadOptions options, boolean unwrapped) {
    warnMmap(options, name, "it is read from a stream");
    try {
      byte[] hb = in.readNBytes(Format.HEADER_SIZE);
      Compression.Codec outer = outerCodec(hb, hb.length);
      if (outer != null && !unwrapped) {
        // The whole dump was compressed afterwards (gzip v.pkl): read it through that codec.
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(hb), in);
        try (InputStream body = openDecompressor(Codecs.keepOpen(whole), outer, name)) {
          return load(body, name, -1, options.mmapMode(MmapMode.NONE), true);
        }
      }
      Compression.Codec codec = parseHeader(ByteBuffer.wrap(hb).position(hb.length), name);
      FrameReader reader;
      if (codec == Compression.Codec.NONE) {
        long bound = size < 0 ? -1 : size - Format.HEADER_SIZE;
        reader = new FrameReader(name, true, bound, MmapMode.NONE);
        reader.source(Source.of(in, name, false, reader));
        return readBody(reader, options, name);
      }
      try (InputStream body = openDecompressor(Codecs.keepOpen(in), codec, name)) {
        reader = new FrameReader(name, false, -1, MmapMode.NONE);
        reader.source(Source.of(body, name, true, reader));
        return readBody(reader, options, name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the codec whose magic bytes start {@code b} when it is not a joblib4j header: a dump
   * compressed as a whole by another tool, detected as joblib detects its compressors.
   */
  static Compression.@Nullable Codec outerCodec(byte[] b, int n) {
    if (n >= Format.MAGIC.length && Arrays.equals(b, 0, 4, Format.MAGIC, 0, 4)) {
      return null;
    }
    if (n >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
      return Compression.Codec.GZIP;
    }
    if (n >= 4
        && (b[0] & 0xFF) == 0x28
        && (b[1] & 0xFF) == 0xB5
        && (b[2] & 0xFF) == 0x2F
        && (b[3] & 0xFF) == 0xFD) {
      return Compression.Codec.ZSTD;
    }
    if (n >= 4 && b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4D && b[3] == 0x18) {
      return Compression.Codec.LZ4;
    }
    if (n >= 6
        && (b[0] & 0xFF) == 0xFD
        && b[1] == '7'
        && b[2] == 'z'
        && b[3] == 'X'
        && b[4] == 'Z'
        && b[5] == 0) {
      return Compression.Codec.XZ;
    }
    if (n >= 2 && (b[0] & 0xFF) == 0x78 && (((b[0] & 0xFF) << 8) | (b[1] & 0xFF)) % 31 == 0) {
      return Compression.Codec.ZLIB;
    }
    return null;
  }

  /** Opens a decompressor; one that cannot read the start of the compressed data means damage. */
  private static InputStream openDecompressor(
      InputStream in, Compression.Codec codec, String name) {
    try {
      return Codecs.decompress(in, codec);
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(
          name, Format.HEADER_SIZE, "the " + codec + " data cannot be decompressed (" + e + ")", e);
    }
  }

  private static void warnMmap(LoadOptions options, String name, String why) {
    if (options.mmapMode() != MmapMode.NONE) {
      Log.LOG.warn(
          "mmapMode {} ignored for {}: {}; it is read into memory.", options.mmapMode(), name, why);
    }
  }

  private static URI localUri(URI uri) {
    return uri.getScheme() == null ? Path.of(uri.getPath()).toAbsolutePath().toUri() : uri;
  }

  static String temporaryName(String fileName) {
    // A StringBuilder, not "+": the first string concatenation a JVM links through
    // invokedynamic spins method handle classes, a cost the first dump should not pay.
    return new StringBuilder(fileName.length() + 22)
        .append('.')
        .append(fileName)
        .append('.')
        .append(Long.toHexString(ThreadLocalRandom.current().nextLong()))
        .append(".tmp")
        .toString();
  }

  private static ByteBuffer header(Compression compression) {
    ByteBuffer h = ByteBuffer.allocate(Format.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    h.put(Format.MAGIC)
        .put((byte) Format.VERSION)
        .put((byte) compression.codec().id)
        .put((byte) compression.level())
        .put((byte) 0);
    h.putInt(Format.crc(h.array(), 0, 12));
    h.flip();
    return h;
  }

  /** Checks the header in {@code h} (filled up to its position) and returns its codec. */
  private static Compression.Codec parseHeader(ByteBuffer h, String name) {
    int n = h.position();
    byte[] b = h.array();
    if (n < Format.HEADER_SIZE) {
      int m = Math.min(n, Format.MAGIC.length);
      boolean magic = Arrays.equals(b, 0, m, Format.MAGIC, 0, m);
      throw new CorruptFileException(
          name,
          n,
          magic
              ? "the file ends inside its 16-byte header"
              : "it is not a joblib4j file (it has no joblib4j header)",
          null);
    }
    if (!Arrays.equals(b, 0, Format.MAGIC.length, Format.MAGIC, 0, Format.MAGIC.length)) {
      throw new CorruptFileException(
          name,
          0,
          String.format(
              Locale.ROOT,
              "it is not a joblib4j file: it starts with %02x %02x %02x %02x, not the joblib4j"
                  + " magic 93 4a 4c 34",
              b[0],
              b[1],
              b[2],
              b[3]),
          null);
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (Format.crc(b, 0, 12) != le.getInt(12)) {
      throw new CorruptFileException(name, 12, "the header checksum does not match", null);
    }
    int version = b[8] & 0xFF;
    if (version != Format.VERSION) {
      throw new CorruptFileException(
          name,
          8,
          "it has format version "
              + version
              + ", and this joblib4j reads version "
              + Format.VERSION
              + "; load it with the joblib4j release that wrote it",
          null);
    }
    int codec = b[9] & 0xFF;
    if (codec > Compression.Codec.XZ.id) {
      throw new CorruptFileException(name, 9, "unknown codec id " + codec, null);
    }
    return Compression.Codec.byId(codec);
  }

  private static void writeBody(@Nullable Object value, Sink sink) {
    writeBody(value, new FrameWriter(sink), null);
  }

  /**
   * Writes the body with a Kryo instance from the pool, or with the one {@code build} makes, whose
   * plan's arrays {@code frames} writes until it is ready.
   */
  private static void writeBody(
      @Nullable Object value, FrameWriter frames, PersistKryo.@Nullable Build build) {
    PersistKryo.Session session = new PersistKryo.Session("", frames, null, null);
    Kryo kryo;
    if (build == null) {
      kryo = PersistKryo.obtain(session);
    } else {
      while (!build.isDone() && frames.writeAhead()) {
        // One chunk at a time, until the Kryo instance is ready or the plan's arrays are written.
      }
      kryo = PersistKryo.attach(build.take(), session);
    }
    boolean clean = false;
    try {
      Output output = new Output(new GraphStreams.Out(frames), 1 << 16);
      kryo.writeClassAndObject(output, value);
      output.flush();
      frames.end();
      frames.close();
      clean = true;
    } catch (StackOverflowError e) {
      throw new SerializationException(
          "Cannot dump "
              + (value == null ? "null" : value.getClass().getName())
              + " at root: writing it overflowed the stack, as a value nested too deeply (such as a"
              + " long linked chain of objects) does. Dump a flatter structure (an array or a list"
              + " of the elements), or raise the thread stack size (-Xss).",
          e);
    } catch (KryoException | IllegalArgumentException e) {
      RuntimeException typed = PersistKryo.unwrap(e);
      if (typed != null && !(typed instanceof SerializationException)) {
        throw typed;
      }
      throw JoblibKryo.explain(value, "root", e);
    } finally {
      PersistKryo.release(kryo, clean);
    }
  }

  private static @Nullable Object readBody(FrameReader reader, LoadOptions options, String name) {
    PersistKryo.Session session =
        new PersistKryo.Session(name, null, reader, options.classFilter().orElse(null));
    GraphStreams.In graph = new GraphStreams.In(reader);
    session.graphIn = graph;
    Kryo kryo = PersistKryo.obtain(session);
    ClassLoader previous = kryo.getClassLoader();
    boolean clean = false;
    try {
      kryo.setClassLoader(Serializer.contextLoader());
      Input input = new GraphStreams.BoundedInput(graph, reader);
      Object value = kryo.readClassAndObject(input);
      if (input.position() != input.limit() || !graph.drained()) {
        throw reader.corrupt("graph data follows the value");
      }
      reader.expectEndFrame(graph.ended());
      reader.close();
      clean = true;
      return value;
    } catch (RuntimeException e) {
      RuntimeException typed = PersistKryo.unwrap(e);
      if (typed != null) {
        throw typed;
      }
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ClassNotFoundException) {
          throw new SerializationException(
              "Cannot load "
                  + name
                  + ": it holds an instance of "
                  + t.getMessage()
                  + ", which is not on the class path. Load it in a JVM with the classes that"
                  + " dumped it.",
              e);
        }
      }
      throw new CorruptFileException(
          name, reader.position(), "the object graph does not decode (" + e + ")", e);
    } catch (StackOverflowError e) {
      throw new CorruptFileException(
          name,
          reader.position(),
          "the object graph nests deeper than this thread's stack allows; load it on a thread with"
              + " a larger stack (-Xss) if the file is trusted",
          e);
    } catch (OutOfMemoryError e) {
      // A single allocation sized by a lying length in the graph (checked lengths never get
      // here). It failed as a whole, so the heap is intact and the load can fail normally.
      throw new CorruptFileException(
          name,
          reader.position(),
          "a length in the object graph asks for more memory than the heap has (" + e + ")",
          e);
    } finally {
      kryo.setClassLoader(previous);
      PersistKryo.release(kryo, clean);
    }
  }
}
