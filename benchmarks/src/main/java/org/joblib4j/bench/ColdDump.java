package org.joblib4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.joblib4j.Joblib;
import org.joblib4j.persist.Compression;

/**
 * Times, in a fresh JVM, the first {@code Joblib.dump} of a 256 MB graph (a small record holding a
 * 192 MB {@code double[]}, a 64 MB {@code long[]} and a few small fields) to a new local file, then
 * the median of later dumps of the same graph in the same JVM, then the same for {@code
 * Joblib.load}. Every dump writes a file that does not exist yet, as the first one does. Run by
 * {@link SideBySide} for scenario P6; run alone from the repository root, with no JVM options as
 * users run it:
 *
 * <pre>{@code java -cp benchmarks/target/benchmarks.jar org.joblib4j.bench.ColdDump}</pre>
 *
 * <p>Arguments, all optional and in this order: the file name to dump to (its extension picks the
 * codec as {@code Joblib.dump(value, path)} does: {@code model.jl} is uncompressed, {@code
 * model.jl.lz4} lz4, {@code model.jl.zst} zstd), the graph size in MB (256), the number of warm
 * runs (7), the writer ({@code joblib}, or {@code channel} for the peer: the same arrays written
 * to a new file through one {@code FileChannel}, with no format) and the page cache ({@code fresh},
 * or {@code primed}: before the first dump a file of the graph's size is written and deleted with a
 * {@code FileChannel}, so the first dump finds the kernel as each later one does, with the pages of
 * a deleted file to reuse; on virtual machines whose memory is backed lazily, writing to pages the
 * guest has not used for a while costs several times more than writing to recently freed ones).
 * Prints {@code RESULT dump_cold <seconds>}, {@code RESULT dump_warm <seconds>}, {@code RESULT
 * load_cold <seconds>}, {@code RESULT load_warm <seconds>} and {@code RESULT bytes <bytes>}, then a
 * summary in GB/s with the cold / warm ratios.
 */
public final class ColdDump {
  private ColdDump() {}

  /**
   * A model as programs dump it: a few small fields beside two large arrays.
   *
   * @param name a label
   * @param epoch a counter
   * @param weights the bulk of the data
   * @param index a second large array of another type
   */
  record Model(String name, int epoch, double[] weights, long[] index) {}

  /** Runs the dumps and loads; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    String fileName = args.length > 0 ? args[0] : "model.jl";
    long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 256;
    int warmReps = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    boolean channel = args.length > 3 && args[3].equals("channel");
    boolean primed = args.length > 4 && args[4].equals("primed");
    long bytes = megabytes << 20;
    // Three quarters of the bytes in the double[], a quarter in the long[].
    double[] weights = new double[(int) (bytes * 3 / 4 / Double.BYTES)];
    long[] index = new long[(int) (bytes / 4 / Long.BYTES)];
    Arrays.setAll(weights, i -> i * 0.5);
    Arrays.setAll(index, i -> i * 3L);
    Model model = new Model("cold-dump", 7, weights, index);

    Path dir = Files.createTempDirectory("joblib4j-colddump-");
    try {
      Path file = dir.resolve(fileName);
      if (primed) {
        Path scratch = dir.resolve("scratch");
        writeChannel(model, scratch);
        Files.delete(scratch);
      }
      Writer writer = channel ? ColdDump::writeChannel : Joblib::dump;
      long t0 = System.nanoTime();
      writer.write(model, file);
      double dumpCold = (System.nanoTime() - t0) / 1e9;
      long size = Files.size(file);
      double dumpWarm =
          median(
              warmReps,
              () -> {
                Files.delete(file);
                long t = System.nanoTime();
                writer.write(model, file);
                return System.nanoTime() - t;
              });
      if (channel) {
        System.out.printf(
            Locale.ROOT,
            "RESULT dump_cold %s%nRESULT dump_warm %s%nRESULT bytes %d%n"
                + "FileChannel (%d MB): write cold %.2f GB/s, warm %.2f GB/s, cold/warm %.2f%n",
            dumpCold,
            dumpWarm,
            bytes,
            megabytes,
            bytes / dumpCold / 1e9,
            bytes / dumpWarm / 1e9,
            dumpWarm / dumpCold);
        Files.delete(file);
        return;
      }
      t0 = System.nanoTime();
      Model back = Joblib.load(file, Model.class);
      double loadCold = (System.nanoTime() - t0) / 1e9;
      check(model, back);
      back = null;
      double loadWarm =
          median(
              warmReps,
              () -> {
                long t = System.nanoTime();
                Model m = Joblib.load(file, Model.class);
                long elapsed = System.nanoTime() - t;
                check(model, m);
                return elapsed;
              });
      System.out.printf(
          Locale.ROOT,
          "RESULT dump_cold %s%nRESULT dump_warm %s%nRESULT load_cold %s%nRESULT load_warm %s%n"
              + "RESULT bytes %d%n",
          dumpCold,
          dumpWarm,
          loadCold,
          loadWarm,
          bytes);
      System.out.printf(
          Locale.ROOT,
          "%s (%d MB graph, %d bytes on disk): dump cold %.2f GB/s, warm %.2f GB/s, cold/warm"
              + " %.2f; load cold %.2f GB/s, warm %.2f GB/s, cold/warm %.2f%n",
          fileName,
          megabytes,
          size,
          bytes / dumpCold / 1e9,
          bytes / dumpWarm / 1e9,
          dumpWarm / dumpCold,
          bytes / loadCold / 1e9,
          bytes / loadWarm / 1e9,
          loadWarm / loadCold);
      Files.delete(file);
    } finally {
      Files.deleteIfExists(dir);
      System.out.flush();
    }
  }

  private interface Writer {
    void write(Model model, Path file) throws IOException;
  }

  /** Writes the arrays' bytes to a new file with one channel: the file system's own speed. */
  private static void writeChannel(Model model, Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      double[] w = model.weights();
      for (int i = 0; i < w.length; ) {
        int n = Math.min(buf.capacity() / Double.BYTES, w.length - i);
        buf.clear();
        buf.asDoubleBuffer().put(w, i, n);
        buf.limit(n * Double.BYTES);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        i += n;
      }
      long[] x = model.index();
      for (int i = 0; i < x.length; ) {
        int n = Math.min(buf.capacity() / Long.BYTES, x.length - i);
        buf.clear();
        buf.asLongBuffer().put(x, i, n);
        buf.limit(n * Long.BYTES);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        i += n;
      }
    }
  }

  private interface Run {
    long nanos() throws IOException;
  }

  private static double median(int reps, Run run) throws IOException {
    double[] times = new double[Math.max(1, reps)];
    for (int i = 0; i < times.length; i++) {
      times[i] = run.nanos() / 1e9;
    }
    Arrays.sort(times);
    int n = times.length;
    return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  }

  private static void check(Model expected, Model actual) {
    int last = expected.weights().length - 1;
    if (actual == null
        || actual.epoch() != expected.epoch()
        || actual.weights().length != expected.weights().length
        || actual.weights()[last] != expected.weights()[last]
        || actual.index()[actual.index().length - 1]
            != expected.index()[expected.index().length - 1]) {
      throw new IllegalStateException("Joblib.load did not give back the graph it was given");
    }
  }
}
