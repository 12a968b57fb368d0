package org.joblib4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Python's joblib as a peer: runs {@code peers.py} (copied from the benchmarks jar to a temporary
 * folder) with Debian's {@code /usr/bin/python3}, and parses the {@code RESULT} lines it prints.
 */
final class PythonPeer {
  /** The interpreter: Debian's, which sees the {@code python3-joblib} package. */
  static final String DEFAULT_PYTHON = "/usr/bin/python3";

  private final String python;
  private final Path script;
  private final Optional<String> version;
  private final String problem;

  private PythonPeer(String python, Path script, Optional<String> version, String problem) {
    this.python = python;
    this.script = script;
    this.version = version;
    this.problem = problem;
  }

  /** Finds the interpreter and checks that it imports joblib and numpy. */
  static PythonPeer find(Path workDir) throws IOException {
    String python = System.getProperty("joblib4j.bench.python", DEFAULT_PYTHON);
    Path script = workDir.resolve("peers.py");
    try (InputStream in = PythonPeer.class.getResourceAsStream("peers.py")) {
      if (in == null) {
        throw new IOException("peers.py is missing from the benchmarks jar; rebuild it");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    String hint =
        "Python joblib is not installed: install it with `apt-get install -y python3-joblib`"
            + " (Debian/Ubuntu, provides joblib and numpy for "
            + DEFAULT_PYTHON
            + "), or point -Djoblib4j.bench.python at an interpreter that has them";
    try {
      Result probe =
          exec(
              List.of(python, "-c", "import joblib, numpy; print('VERSION ' + joblib.__version__)"),
              60);
      if (probe.exitCode != 0) {
        return new PythonPeer(python, script, Optional.empty(), hint);
      }
      Optional<String> v =
          probe.lines.stream()
              .filter(l -> l.startsWith("VERSION "))
              .map(l -> l.substring(8).trim())
              .findFirst();
      return new PythonPeer(python, script, v, v.isPresent() ? "" : hint);
    } catch (IOException e) {
      return new PythonPeer(python, script, Optional.empty(), hint + " (" + e.getMessage() + ")");
    }
  }

  /** Returns whether joblib can be run. */
  boolean available() {
    return version.isPresent();
  }

  /** Returns joblib's version, such as {@code 1.2.0}. */
  Optional<String> version() {
    return version;
  }

  /** Returns the line that says why joblib cannot run and how to install it. */
  String problem() {
    return problem;
  }

  /** Runs one scenario of {@code peers.py} and returns its figures by name. */
  Map<String, Double> run(String scenario, Object... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(python, script.toString(), scenario));
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    Result r = exec(command, 900);
    if (r.exitCode != 0) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "python peer %s failed with exit code %d:%n%s",
              scenario,
              r.exitCode,
              String.join(System.lineSeparator(), r.lines)));
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    for (String line : r.lines) {
      if (line.startsWith("RESULT ")) {
        String[] parts = line.split(" ");
        figures.put(parts[1], Double.parseDouble(parts[2]));
      }
    }
    return figures;
  }

  private record Result(int exitCode, List<String> lines) {}

  private static Result exec(List<String> command, int timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PYTHONUNBUFFERED", "1");
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader br =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                // The process ended; what was read stands.
              }
            },
            "python-peer-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.format(
                Locale.ROOT, "python peer did not finish within %d s: %s", timeoutSeconds, command));
      }
      reader.join(10_000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the python peer", e);
    }
    synchronized (lines) {
      return new Result(p.exitValue(), List.copyOf(lines));
    }
  }
}
