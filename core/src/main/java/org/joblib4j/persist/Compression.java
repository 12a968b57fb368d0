package org.joblib4j.persist;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link org.joblib4j.Joblib#dump} compresses a file: a {@link Codec} and a level from 0 to 9,
 * as joblib's {@code compress} argument. {@link #NONE} is {@code compress=0}, {@link #DEFAULT} is
 * {@code compress=True} (zlib at level 3), {@link #level(int)} is {@code compress=int} and {@link
 * #of(Codec, int)} is {@code compress=(method, level)}. This class is immutable.
 */
public final class Compression {
  /** The codecs a file can be compressed with. */
  public enum Codec {
    /** No compression: the file can be memory-mapped on load. */
    NONE(0, 0, ""),
    /** A raw zlib stream (JDK {@code Deflater}), joblib's {@code "zlib"}; extension {@code .z}. */
    ZLIB(1, 3, ".z"),
    /** A gzip stream (JDK), joblib's {@code "gzip"}; extension {@code .gz}. */
    GZIP(2, 3, ".gz"),
    /** An LZ4 frame (lz4-java), joblib's {@code "lz4"}; extension {@code .lz4}. */
    LZ4(3, 1, ".lz4"),
    /** A Zstandard frame (zstd-jni); extension {@code .zst}. */
    ZSTD(4, 3, ".zst"),
    /** An xz stream (XZ for Java), joblib's {@code "xz"}; extension {@code .xz}. */
    XZ(5, 6, ".xz");

    final int id;
    private final int defaultLevel;
    private final String extension;

    Codec(int id, int defaultLevel, String extension) {
      this.id = id;
      this.defaultLevel = defaultLevel;
      this.extension = extension;
    }

    /** Returns the level joblib uses for this codec when none is given. */
    public int defaultLevel() {
      return defaultLevel;
    }

    /** Returns the file extension joblib infers this codec from, or "" for {@link #NONE}. */
    public String extension() {
      return extension;
    }

    static Codec byId(int id) {
      for (Codec c : values()) {
        if (c.id == id) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown codec id " + id);
    }
  }

  /** No compression (joblib's {@code compress=0}). */
  public static final Compression NONE = new Compression(Codec.NONE, 0);

  /** joblib's {@code compress=True}: zlib at level 3. */
  public static final Compression DEFAULT = new Compression(Codec.ZLIB, 3);

  private final Codec codec;
  private final int level;

  private Compression(Codec codec, int level) {
    this.codec = codec;
    this.level = level;
  }

  /**
   * Returns {@code codec} at {@code level}; level 0 means no compression, as in joblib.
   *
   * @throws IllegalArgumentException if {@code level} is not in [0, 9]
   */
  public static Compression of(Codec codec, int level) {
    Objects.requireNonNull(codec, "codec");
    checkLevel(level);
    if (level == 0 || codec == Codec.NONE) {
      return NONE;
    }
    return new Compression(codec, level);
  }

  /** Returns {@code codec} at its default level ({@link Codec#defaultLevel()}). */
  public static Compression of(Codec codec) {
    return of(codec, Math.max(codec.defaultLevel(), codec == Codec.NONE ? 0 : 1));
  }

  /**
   * Returns joblib's {@code compress=level}: zlib at {@code level}, or {@link #NONE} for 0.
   *
   * @throws IllegalArgumentException if {@code level} is not in [0, 9]
   */
  public static Compression level(int level) {
    return of(Codec.ZLIB, level);
  }

  /**
   * Returns the compression joblib infers from the file name: {@code .z} zlib, {@code .gz} gzip,
   * {@code .lz4} lz4, {@code .zst} zstd, {@code .xz} xz, each at its default level; {@link #NONE}
   * for any other name.
   *
   * @throws IllegalArgumentException for {@code .bz2} and {@code .lzma}, which joblib4j does not
   *     write
   */
  public static Compression forPath(Path path) {
    Path fileName = path.getFileName();
    String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".bz2") || name.endsWith(".lzma")) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "Cannot infer a codec from \"%s\": bz2 and lzma are not supported. Supported"
                  + " extensions are [.z, .gz, .lz4, .zst, .xz]; rename the file or pass a"
                  + " Compression explicitly.",
              fileName));
    }
    for (Codec c : Codec.values()) {
      if (c != Codec.NONE && name.endsWith(c.extension())) {
        return of(c);
      }
    }
    return NONE;
  }

  /** Returns the codec. */
  public Codec codec() {
    return codec;
  }

  /** Returns the level, 0 for {@link #NONE} and 1 to 9 otherwise. */
  public int level() {
    return level;
  }

  static void checkLevel(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "Non valid compress level given: \"%d\". Possible values are [0, 1, 2, 3, 4, 5, 6,"
                  + " 7, 8, 9].",
              level));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression c && c.codec == codec && c.level == level;
  }

  @Override
  public int hashCode() {
    return codec.hashCode() * 31 + level;
  }

  @Override
  public String toString() {
    return codec == Codec.NONE
        ? "Compression.NONE"
        : String.format(Locale.ROOT, "Compression.of(%s, %d)", codec, level);
  }
}
