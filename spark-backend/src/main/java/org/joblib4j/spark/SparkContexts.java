package org.joblib4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.joblib4j.JoblibException;
import org.jspecify.annotations.Nullable;
import scala.Option;

/**
 * Finds the {@code SparkContext} the backend runs on.
 *
 * <pre>
 * Design note. SparkContext.getOrCreate(conf) returns the active context when there is one, but
 * then logs a warning that the given configuration may not take effect; and getOrCreate() with no
 * configuration fails when no master is set. So the active context is looked up first (the
 * companion's getActive, public in bytecode), and a new one is created only when there is none:
 * its master is spark.master when a spark.* system property sets it (spark-submit does), else
 * joblib4j.spark.master, else local[*]. SparkContext registers a shutdown hook that stops it when
 * the JVM exits, so a context made here is stopped then, and one the program made is left to it.
 *
 * Module options. spark-submit starts the driver with the --add-opens list of Spark's launcher
 * (JavaModuleOptions); a program started with a plain java command has none of them. Before it
 * creates a context (never for an active one, which spark-submit or the program configured), get()
 * asks the JVM (Module.isOpen, towards Spark's module) which of the packages below are not open.
 * If some that a job cannot run without are closed (only Spark's KryoSerializer needs any), it
 * fails at once with the options to add, so that Spark never starts and logs its stack traces.
 *
 * Safe defaults. A context made here is the program's private engine, not a service: on a local
 * master its driver binds to 127.0.0.1 and its UI is off (Spark's defaults are every interface and
 * an unauthenticated UI with kill links on port 4040), unless the program's configuration says
 * otherwise.
 * </pre>
 */
final class SparkContexts {
  /** The system property that overrides the embedded default master {@code local[*]}. */
  static final String MASTER_PROPERTY = "joblib4j.spark.master";

  /*
   * How these lists were found: a driver ran new Parallel().backend("spark").nJobs(2) on a local[2]
   * context, with plain `java -cp` on Java 17 and Spark 4.2.0, through every path of this backend
   * (tasks, an argument large enough to be broadcast, a task that throws, a timeout that cancels
   * running jobs, results over Spark's 1 MB direct-result limit, a second call): first with the
   * whole --add-opens list of JavaModuleOptions, then with each option left out in turn, then with
   * none. With Spark's default JavaSerializer every path works with none of them (joblib4j's own
   * serializer needs none: it rebuilds lambdas through their capturing class's
   * $deserializeLambda$). With spark.serializer=KryoSerializer
   * every job fails (task serialization and broadcasts) when java.lang.invoke, java.nio or
   * java.util is left out; no other single option changed anything.
   */

  /** Packages Spark's KryoSerializer cannot run without: a missing one fails the call. */
  static final List<String> NEEDED_BY_KRYO_SERIALIZER =
      List.of("java.base/java.lang.invoke", "java.base/java.nio", "java.base/java.util");

  private static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

  private static final Pattern NOT_OPENED =
      Pattern.compile("module (\\S+) does not \"opens ([\\w.$]+)\"");


  private SparkContexts() {}

  /** Returns the active context, creating a local one when there is none. */
  static synchronized SparkContext get() {
    Option<SparkContext> active = SparkContext$.MODULE$.getActive();
    if (active.isDefined() && !active.get().isStopped()) {
      return active.get();
    }
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      String master = System.getProperty(MASTER_PROPERTY);
      conf.setMaster(master == null || master.isBlank() ? "local[*]" : master.trim());
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName("joblib4j");
    }
    failWithoutKryoSerializerOptions(conf);
    safeDefaults(conf);
    try {
      return SparkContext.getOrCreate(conf);
    } catch (RuntimeException | LinkageError e) {
      throw new JoblibException(
          String.format(
              Locale.ROOT,
              "Could not create a SparkContext with master %s: %s. Check the master URL (set"
                  + " -D%s=local[*] or spark://host:port, or run under spark-submit).%s",
              conf.get("spark.master"),
              firstLine(e.getMessage()),
              MASTER_PROPERTY,
              moduleHint(e)),
          e);
    }
  }

  /**
   * Fails, as the design note says, when {@code conf} asks for Spark's KryoSerializer and a
   * package it needs is not open.
   */
  private static void failWithoutKryoSerializerOptions(SparkConf conf) {
    String serializer = conf.get("spark.serializer", "");
    if (serializer.equals(KRYO_SERIALIZER)) {
      List<String> missing = missingOptions(NEEDED_BY_KRYO_SERIALIZER);
      if (!missing.isEmpty()) {
        throw new JoblibException(
            String.format(
                Locale.ROOT,
                "Cannot start a SparkContext with spark.serializer=%s in this JVM: it was started"
                    + " without %s, module options that spark-submit passes to Spark on Java 17"
                    + " and later, and without them every Spark job fails. Add them to the java"
                    + " command line, run the program with spark-submit, or leave"
                    + " spark.serializer unset.",
                serializer,
                String.join(" ", missing)));
      }
    }
  }

  /**
   * Makes a context that joblib4j starts itself private to this machine: on a local master the
   * driver binds to 127.0.0.1 (Spark's default is every interface), and the web UI, which has
   * kill links and no authentication, is off. Settings the program or spark-defaults gives win.
   */
  static void safeDefaults(SparkConf conf) {
    if (conf.get("spark.master", "").startsWith("local")) {
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
    }
    conf.setIfMissing("spark.ui.enabled", "false");
  }

  /** Returns the {@code --add-opens} option of each of {@code packages} not open to Spark. */
  static List<String> missingOptions(List<String> packages) {
    Module spark = SparkContext.class.getModule();
    List<String> missing = new ArrayList<>();
    for (String modulePackage : packages) {
      int slash = modulePackage.indexOf('/');
      String moduleName = modulePackage.substring(0, slash);
      String pkg = modulePackage.substring(slash + 1);
      Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
      if (module.isPresent() && !module.get().isOpen(pkg, spark)) {
        missing.add(addOpens(moduleName, pkg));
      }
    }
    return missing;
  }

  /**
   * Returns a sentence naming the {@code --add-opens} option that would have avoided {@code
   * error}, when its causes hold an {@link java.lang.reflect.InaccessibleObjectException}; else an
   * empty string.
   */
  static String moduleHint(Throwable error) {
    List<String> options = new ArrayList<>();
    int depth = 0;
    for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
      String message = t.getMessage();
      if (message == null) {
        continue;
      }
      Matcher m = NOT_OPENED.matcher(message);
      while (m.find()) {
        String option = addOpens(m.group(1), m.group(2));
        if (!options.contains(option)) {
          options.add(option);
        }
      }
    }
    if (options.isEmpty()) {
      return "";
    }
    return " The JVM was started without "
        + String.join(" ", options)
        + ", module options that spark-submit passes to Spark on Java 17 and later: add them to"
        + " the java command line, or run the program with spark-submit.";
  }

  /** Returns the first line of {@code message}, so that a stack trace in it is left out. */
  static String firstLine(@Nullable String message) {
    if (message == null) {
      return "null";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static String addOpens(String module, String pkg) {
    return "--add-opens=" + module + "/" + pkg + "=ALL-UNNAMED";
  }
}
