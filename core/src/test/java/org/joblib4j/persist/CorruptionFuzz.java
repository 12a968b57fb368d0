package org.joblib4j.persist;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.joblib4j.CorruptFileException;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;

/**
 * Loads thousands of damaged dumps (flipped bytes, cut files, frame lengths that lie, with and
 * without a recomputed header checksum) and checks that each either fails with {@link
 * CorruptFileException} or yields exactly the value that was dumped. Run in its own JVM with a
 * small heap by {@code CorruptionFuzzTest}; prints {@code OK <count>} or the first failure.
 *
 * <p>Arguments: folder, number of damaged files, random seed.
 */
public final class CorruptionFuzz {
  private CorruptionFuzz() {}

  record Sample(String name, int[] ids, Map<String, double[]> series) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    org.tukaani.xz.ArrayCache.setDefaultCache(org.tukaani.xz.BasicArrayCache.getInstance());
    Object value = value();
    String expected = Joblib.hash(value);
    List<byte[]> files = new ArrayList<>();
    List<Compression> compressions = new ArrayList<>();
    for (Compression.Codec codec : Compression.Codec.values()) {
      Compression c = Compression.of(codec, 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Joblib.dump(value, out, c);
      files.add(out.toByteArray());
      compressions.add(c);
    }
    Path file = dir.resolve("fuzz.bin");
    int corrupt = 0;
    int intact = 0;
    for (int i = 0; i < n; i++) {
      int which = random.nextInt(files.size());
      byte[] damaged = damage(files.get(which), compressions.get(which), random);
      boolean viaPath = random.nextBoolean();
      try {
        Object back;
        if (viaPath) {
          Files.write(file, damaged);
          back =
              Joblib.load(
                  file,
                  Object.class,
                  LoadOptions.defaults()
                      .mmapMode(random.nextBoolean() ? MmapMode.READ_ONLY : MmapMode.NONE));
        } else {
          back =
              Joblib.load(new ByteArrayInputStream(damaged), Object.class, LoadOptions.defaults());
        }
        if (!expected.equals(Joblib.hash(back))) {
          System.out.println(
              "FAIL wrong data loaded, case " + i + " codec " + compressions.get(which));
          System.exit(1);
        }
        intact++;
      } catch (CorruptFileException e) {
        corrupt++;
      } catch (Throwable t) {
        System.out.println(
            "FAIL case "
                + i
                + " codec "
                + compressions.get(which)
                + " via "
                + (viaPath ? "path" : "stream")
                + ": "
                + t);
        t.printStackTrace(System.out);
        System.exit(1);
      }
    }
    System.out.println("OK " + n + " corrupt=" + corrupt + " intact=" + intact);
  }

  static Object value() {
    Map<String, double[]> series = new HashMap<>();
    Random r = new Random(7);
    for (int k = 0; k < 3; k++) {
      double[] a = new double[k == 0 ? 2100 : 40 * k];
      for (int i = 0; i < a.length; i++) {
        a[i] = r.nextGaussian();
      }
      series.put("s" + k, a);
    }
    int[] ids = new int[200];
    Arrays.setAll(ids, i -> i * 3);
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      items.add("item-" + i);
    }
    ByteBuffer buffer = ByteBuffer.allocate(3_000);
    buffer.putInt(0, 42);
    return List.of(new Sample("sample", ids, series), items, buffer, new boolean[17_000]);
  }

  private static final Map<byte[], byte[]> BODIES = new java.util.IdentityHashMap<>();

  private static byte[] damage(byte[] original, Compression c, Random random) throws Exception {
    switch (random.nextInt(4)) {
      case 0:
        {
          byte[] b = original.clone();
          int flips = 1 + random.nextInt(4);
          for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
          }
          return b;
        }
      case 1:
        return Arrays.copyOf(original, random.nextInt(original.length));
      default:
        return lieAboutALength(original, c, random, random.nextBoolean());
    }
  }

  /* Rewrites one frame's length in the decompressed body, optionally fixing the header checksum
   * so that only the length check can catch it, then compresses the body again. */
  private static byte[] lieAboutALength(
      byte[] original, Compression c, Random random, boolean fixChecksum) throws Exception {
    byte[] body = BODIES.get(original);
    if (body == null) {
      body = decompress(original, c);
      BODIES.put(original, body);
    }
    body = body.clone();
    return lie(original, body, c, random, fixChecksum);
  }

  private static byte[] decompress(byte[] original, Compression c) throws Exception {
    try (InputStream in =
        Codecs.decompress(
            new ByteArrayInputStream(
                original, Format.HEADER_SIZE, original.length - Format.HEADER_SIZE),
            c.codec())) {
      return in.readAllBytes();
    }
  }

  private static byte[] lie(
      byte[] original, byte[] body, Compression c, Random random, boolean fixChecksum)
      throws Exception {
    List<Integer> frames = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at + Format.FRAME_HEADER_SIZE <= body.length) {
      frames.add(at);
      int pad = b.getShort(at + 2) & 0xFFFF;
      long length = b.getLong(at + 4);
      at += Format.FRAME_HEADER_SIZE + pad + (int) length + Format.TRAILER_SIZE;
    }
    int frame = frames.get(random.nextInt(frames.size()));
    long length = b.getLong(frame + 4);
    long[] lies = {
      random.nextLong(),
      length + 1,
      length - 1,
      length + 8,
      1L << 31,
      1L << 40,
      Long.MAX_VALUE,
      Integer.MAX_VALUE,
      (1L << 30) * 8,
      0
    };
    b.putLong(frame + 4, lies[random.nextInt(lies.length)]);
    if (fixChecksum) {
      b.putInt(frame + 12, Format.crc(body, frame, 12));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(original, 0, Format.HEADER_SIZE);
    try (OutputStream z = Codecs.compress(Codecs.keepOpen(out), c)) {
      z.write(body);
    }
    return out.toByteArray();
  }
}
