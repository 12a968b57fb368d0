package org.joblib4j.local;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.joblib4j.local.worker.WorkerMain;

/**
 * The command line of a worker JVM: the parent's {@code java}, class path and module options, then
 * the heap and JVM options the system properties ask for.
 */
final class WorkerCommand {
  static final String JVM_OPTIONS = "joblib4j.processes.jvmOptions";
  static final String HEAP = "joblib4j.processes.heap";
  static final String IDLE_TIMEOUT = "joblib4j.processes.idleTimeout";

  /**
   * Serial GC, as each worker runs one task at a time and it starts fastest; no performance data
   * file, which saves start-up time and leaves nothing in the temporary folder.
   */
  static final String DEFAULT_JVM_OPTIONS = "-XX:+UseSerialGC -XX:-UsePerfData";

  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);

  private WorkerCommand() {}

  /**
   * Returns the command that starts one worker whose parent is {@code parentPid} and that connects
   * to the Unix-domain socket at {@code socket}.
   */
  static List<String> build(long parentPid, Path socket) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Inherited.OPTIONS);
    if (Inherited.NATIVE_ACCESS_BY_MANIFEST) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-XX:+DisplayVMOutputToStderr");
    cmd.add("-Xlog:disable");
    cmd.add("-Xlog:all=warning:stderr");
    cmd.add("-Xshare:auto");
    // SLF4J's own notices (such as "No SLF4J providers were found") were already printed once by
    // the parent, which has the same class path; every worker repeating them is noise.
    cmd.add("-Dslf4j.internal.verbosity=ERROR");
    String heap = System.getProperty(HEAP);
    if (heap != null && !heap.isBlank()) {
      String h = heap.trim();
      if (!h.matches("[0-9]+[kKmMgGtT]?")) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "-D%s=%s is not a heap size: use a number of bytes with an optional k, m, g or t"
                    + " suffix, such as 512m or 4g",
                HEAP,
                heap));
      }
      cmd.add("-Xmx" + h);
    }
    cmd.addAll(split(System.getProperty(JVM_OPTIONS, DEFAULT_JVM_OPTIONS)));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WorkerMain.class.getName());
    cmd.add(Long.toString(parentPid));
    cmd.add(socket.toString());
    return cmd;
  }

  /**
   * Returns the options of the parent's command line that workers need too: module options ({@code
   * --add-opens}, {@code --add-exports}, {@code --add-modules}, {@code --add-reads}, {@code
   * -XX:+IgnoreUnrecognizedVMOptions}), the options that allow native access and {@code
   * sun.misc.Unsafe} ({@code --enable-native-access}, {@code --illegal-native-access}, {@code
   * --sun-misc-unsafe-memory-access}: a warning the program silenced must not come back from its
   * workers) and the {@code joblib4j.*} system properties. {@code --add-opens} and {@code
   * --add-exports} of packages this JVM does not have are left out.
   */
  static List<String> inherited(List<String> parentArguments) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < parentArguments.size(); i++) {
      String a = parentArguments.get(i);
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.startsWith("--add-modules")
          || a.startsWith("--add-reads")
          || a.startsWith("--enable-native-access")
          || a.startsWith("--illegal-native-access")
          || a.startsWith("--sun-misc-unsafe-memory-access")) {
        boolean separate = !a.contains("=") && i + 1 < parentArguments.size();
        String value = separate ? parentArguments.get(i + 1) : a.substring(a.indexOf('=') + 1);
        boolean packageOption = a.startsWith("--add-opens") || a.startsWith("--add-exports");
        if (!packageOption || packageExists(value)) {
          kept.add(a);
          if (separate) {
            kept.add(value);
          }
        }
        if (separate) {
          i++;
        }
      } else if (a.equals("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djoblib4j.")) {
        kept.add(a);
      }
    }
    return kept;
  }

  /**
   * Returns whether the package of an {@code --add-opens} or {@code --add-exports} value ({@code
   * module/package=targets}) is in this JVM. One that is not, such as {@code
   * java.base/sun.security.action} (in Spark's option list) on JDK 25, made the parent print
   * "WARNING: package ... not in ..." once; workers do not get it, so as not to print it again.
   */
  static boolean packageExists(String value) {
    int slash = value.indexOf('/');
    int equals = value.indexOf('=');
    if (slash <= 0 || equals <= slash + 1) {
      return true; // not of that form: passed on as the parent had it
    }
    String module = value.substring(0, slash);
    String pkg = value.substring(slash + 1, equals);
    return ModuleLayer.boot()
        .findModule(module)
        .map(m -> m.getPackages().contains(pkg))
        .orElse(false);
  }

  /** Returns how long a worker may stay idle before it exits: 300 s unless a property says. */
  static Duration idleTimeout() {
    String value = System.getProperty(IDLE_TIMEOUT);
    if (value == null || value.isBlank()) {
      return DEFAULT_IDLE_TIMEOUT;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.startsWith("pt")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1e3));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1e3));
      }
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "-D%s=%s is not a positive duration: use seconds (300), a unit (500ms, 10s) or ISO-8601"
                + " (PT5M)",
            IDLE_TIMEOUT,
            value));
  }

  /** The parent's options that workers inherit, read once. */
  private static final class Inherited {
    static final List<String> OPTIONS = inherited(parentArguments());

    /**
     * Whether the parent may call native code (JNI, as zstd-jni and lz4-java do) without the
     * warning of JDK 24 and later, though no option said so: an executable jar's {@code
     * Enable-Native-Access: ALL-UNNAMED} manifest entry. Workers start with {@code -cp}, where no
     * manifest counts, so they get the option instead.
     */
    static final boolean NATIVE_ACCESS_BY_MANIFEST =
        OPTIONS.stream().noneMatch(o -> o.startsWith("--enable-native-access"))
            && nativeAccessEnabled(WorkerCommand.class.getModule());

    /**
     * Returns the parent JVM's options. The process's own command line is read first, as it is
     * cheap; the management bean, which loads JMX, only when that is unavailable or uses argument
     * files.
     */
    private static List<String> parentArguments() {
      Optional<String[]> args = ProcessHandle.current().info().arguments();
      if (args.isPresent()) {
        List<String> list = Arrays.asList(args.get());
        if (list.stream().noneMatch(a -> a.startsWith("@"))) {
          return list;
        }
      }
      return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }
  }

  /** Returns {@code Module.isNativeAccessEnabled()} (JDK 22 and later); false before JDK 22. */
  static boolean nativeAccessEnabled(Module module) {
    if (Runtime.version().feature() < 22) {
      return false;
    }
    try {
      return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  private static List<String> split(String options) {
    List<String> out = new ArrayList<>();
    for (String s : options.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
