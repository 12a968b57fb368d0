package org.joblib4j.spark;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.joblib4j.JoblibException;
import org.joblib4j.Parallel;

/**
 * A program started by {@link ModuleOptionsTest} with a plain {@code java -cp} command and no
 * module options. Runs one call on the spark backend and prints its {@code RESULT} or {@code ERROR}
 * line, then {@code DONE}. With the argument {@code own}, it first creates its own context; with
 * {@code sockets}, it then prints a {@code LISTEN address} line for every TCP socket this JVM
 * listens on, read from {@code /proc}, and a {@code UI} line with the context's web UI address.
 */
public final class PlainJavaDriver {
  private PlainJavaDriver() {}

  /** Runs the call; {@code own} makes the program's own {@code local[2]} context first. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("own")) {
      new SparkContext(new SparkConf().setMaster("local[2]").setAppName("own"));
    }
    try {
      List<Integer> squares =
          new Parallel()
              .backend("spark")
              .nJobs(2)
              .run(IntStream.range(0, 6).mapToObj(i -> delayed(PlainJavaDriver::square, i)));
      System.out.println("RESULT " + squares);
      if (args.length > 0 && args[0].equals("sockets")) {
        for (String address : listening()) {
          System.out.println("LISTEN " + address);
        }
        System.out.println("UI " + SparkContext.getOrCreate().uiWebUrl());
      }
    } catch (JoblibException e) {
      System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
    }
    System.out.println("DONE");
  }

  static int square(int i) {
    return i * i;
  }

  /**
   * Returns the local addresses of the TCP sockets in state LISTEN that belong to this process: the
   * socket inodes among /proc/self/fd, looked up in /proc/net/tcp and tcp6.
   */
  static List<String> listening() {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    try (java.util.stream.Stream<java.nio.file.Path> fds =
        java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) fds::iterator) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException e) {
          // closed meanwhile
        }
      }
      List<String> out = new java.util.ArrayList<>();
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(table));
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f[3].equals("0A") && inodes.contains(f[9])) {
            out.add(f[1]);
          }
        }
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
