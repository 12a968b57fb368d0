package org.joblib4j.examples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joblib4j.CorruptFileException;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.joblib4j.persist.Compression;
import org.joblib4j.persist.DisallowedClassException;
import org.joblib4j.persist.LoadOptions;

/** The snippets of the guide's page on persistence, {@code docs/persistence.md}. */
public final class PersistenceExamples {
  private PersistenceExamples() {}

  /** A model: a record holding large arrays and small fields. */
  public record Model(String name, double[] weights, Map<String, Integer> vocabulary) {}

  /** Dumps a model and loads it back. */
  public static Model dumpAndLoad(Path folder) {
    // snippet:dump-load
    Model model = new Model("m1", new double[1_000_000], Map.of("a", 0, "b", 1));

    // joblib: dump(model, "model.jl.zst"); the codec comes from the extension
    Path file = folder.resolve("model.jl.zst");
    Joblib.dump(model, file);
    Model back = Joblib.load(file, Model.class);
    // end:dump-load
    return back;
  }

  /** Compression given explicitly, and what each codec is for. Returns the files' sizes. */
  public static List<Long> codecs(Path folder) throws Exception {
    double[] data = new double[1_000_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 1000;
    }
    // snippet:codecs
    Joblib.dump(data, folder.resolve("raw.jl"));                  // no compression: mmap-able
    Joblib.dump(data, folder.resolve("data.jl"), Compression.level(3));  // joblib compress=3: zlib
    Joblib.dump(data, folder.resolve("data.lz4"), Compression.of(Compression.Codec.LZ4));
    Joblib.dump(data, folder.resolve("data.zst"), Compression.of(Compression.Codec.ZSTD, 3));
    Joblib.dump(data, folder.resolve("data.xz"), Compression.of(Compression.Codec.XZ));
    // end:codecs
    return List.of(Files.size(folder.resolve("raw.jl")), Files.size(folder.resolve("data.jl")),
        Files.size(folder.resolve("data.lz4")), Files.size(folder.resolve("data.zst")),
        Files.size(folder.resolve("data.xz")));
  }

  /** Memory-mapped loading of an uncompressed file. */
  public static double mmap(Path folder) {
    // snippet:mmap
    DoubleBuffer big = ByteBuffer.allocateDirect(8 * 1_000_000)
        .order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    big.put(999_999, 42.0);
    Path file = folder.resolve("big.jl");
    Joblib.dump(big, file);                                   // uncompressed, so it can be mapped

    DoubleBuffer view = Joblib.load(file, DoubleBuffer.class,
        LoadOptions.defaults().mmapMode(MmapMode.READ_ONLY));  // a view of the file, not a copy
    double last = view.get(999_999);                           // 42.0
    // end:mmap
    return last;
  }

  /** Loading with a class filter. Returns the message of the refusal. */
  public static String classFilter(Path folder) {
    Model model = new Model("m1", new double[10], Map.of("a", 0));
    Path file = folder.resolve("model.jl");
    Joblib.dump(model, file);
    // snippet:class-filter
    // a file from elsewhere: allow only the classes it should hold
    Model trusted = Joblib.load(file, Model.class,
        LoadOptions.allow(Model.class, Map.of("a", 0).getClass()));

    try {
      Joblib.load(file, Object.class, LoadOptions.allow(Set.of("java.lang.String")::contains));
    } catch (DisallowedClassException e) {
      return e.getMessage(); // names the class the file asked for; nothing of it was created
    }
    // end:class-filter
    throw new AssertionError("loaded " + trusted);
  }

  /** A damaged file is an exception, never wrong data. */
  public static CorruptFileException corrupt(Path folder) throws Exception {
    Path file = folder.resolve("data.jl");
    Joblib.dump(new double[100_000], file);
    // snippet:corrupt
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;                               // one flipped bit
    Files.write(file, bytes);
    try {
      Joblib.load(file, double[].class);
    } catch (CorruptFileException e) {
      return e;                                                 // says which block failed its check
    }
    // end:corrupt
    throw new AssertionError("a damaged file loaded");
  }

  /** Content hashes. */
  public static List<String> hashes() {
    // snippet:hash
    double[] a = {1, 2, 3};
    String key = Joblib.hash(a, 42, "x");                      // 32 hex digits, stable everywhere
    String same = Joblib.hash(new double[] {1, 2, 3}, 42, "x"); // equal content, equal hash
    String sets = Joblib.hash(Set.of(1, 2, 3));                // sets and maps: order-insensitive
    // end:hash
    return List.of(key, same, sets);
  }
}
