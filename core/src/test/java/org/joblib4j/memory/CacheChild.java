package org.joblib4j.memory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.SerializableFunction;
import org.joblib4j.spi.Serializer;

/** The program the multi-process cache tests start in separate JVMs. */
public final class CacheChild {
  static final AtomicInteger calls = new AtomicInteger();

  private CacheChild() {}

  /** A large result that can be checked element by element. */
  static double[] big(Integer key) {
    calls.incrementAndGet();
    int n = 1 << 20;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = key * 1e7 + i;
    }
    return r;
  }

  /** A smaller result, for racing many keys. */
  static double[] medium(Integer key) {
    calls.incrementAndGet();
    int n = 1 << 17;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = key * 1e7 + i;
    }
    return r;
  }

  static boolean valid(int key, double[] r, int n) {
    if (r.length != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (r[i] != key * 1e7 + i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Modes: {@code shelved <file>} reads a shelved result and prints it; {@code writer <location>}
   * recomputes and stores large results forever; {@code race <location> <gate> <seed>} waits for
   * the gate file, then reads or computes 20 keys in a random order.
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "shelved":
        {
          byte[] bytes = Files.readAllBytes(Path.of(args[1]));
          MemorizedResult<?> result =
              (MemorizedResult<?>) Serializer.named("java").fromBytes(bytes);
          Object value = result.get();
          System.out.println("VALUE " + value + " CALLS " + calls.get());
          break;
        }
      case "writer":
        {
          MemorizedFunction<double[]> f =
              new Memory(Path.of(args[1])).verbose(0).memorize(CacheChild::big);
          System.out.println("READY");
          System.out.flush();
          for (int i = 0; ; i++) {
            f.call(i % 4);
          }
        }
      case "race":
        {
          SerializableFunction<Integer, double[]> f =
              new Memory(Path.of(args[1])).verbose(0).cache(CacheChild::medium);
          Path gate = Path.of(args[2]);
          System.out.println("READY");
          System.out.flush();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!Files.exists(gate)) {
            if (System.nanoTime() > deadline) {
              System.out.println("GATE TIMEOUT");
              System.exit(3);
            }
            Thread.sleep(2);
          }
          List<Integer> keys = new ArrayList<>();
          for (int k = 0; k < 20; k++) {
            keys.add(k);
          }
          Collections.shuffle(keys, new Random(Long.parseLong(args[3])));
          int wrong = 0;
          for (int round = 0; round < 2; round++) {
            for (int k : keys) {
              if (!valid(k, f.apply(k), 1 << 17)) {
                System.out.println("WRONG " + k);
                wrong++;
              }
            }
          }
          System.out.println("DONE wrong=" + wrong + " computed=" + calls.get());
          System.exit(wrong == 0 ? 0 : 1);
          break;
        }
      default:
        throw new IllegalArgumentException("Unknown mode " + args[0]);
    }
  }
}
