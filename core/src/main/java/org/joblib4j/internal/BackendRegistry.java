package org.joblib4j.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.joblib4j.spi.BackendFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Finds backend factories by name: those registered in code, then those {@link ServiceLoader}
 * finds through the thread's context class loader (the one {@code spark-submit} sets up) and
 * core's own. Lookups have three distinct failures: no such name, a name provided twice, and a
 * provider that failed to load. This class is thread-safe.
 */
public final class BackendRegistry {
  private static final Logger log = Logs.get(BackendRegistry.class);
  private static final String SERVICES =
      "META-INF/services/" + BackendFactory.class.getName();

  /** Which artifact provides the built-in backends, for the "not found" hint. */
  private static final Map<String, String> ARTIFACTS =
      Map.of(
          "threading", "joblib4j-local",
          "processes", "joblib4j-local",
          "loky", "joblib4j-local",
          "multiprocessing", "joblib4j-local",
          "spark", "joblib4j-spark");

  private static final Map<String, BackendFactory> registered = new ConcurrentHashMap<>();
  private static final Map<ClassLoader, Discovered> discovered = new WeakHashMap<>();

  private BackendRegistry() {}

  /** Registers {@code factory} under its name and aliases; a name already taken is an error. */
  public static void register(String name, BackendFactory factory) {
    Objects.requireNonNull(factory, "factory");
    Checks.requireArgument(!name.isBlank(), "A backend name must not be blank");
    Discovered d = discover();
    BackendFactory found = d.byName.get(name);
    if (found != null) {
      throw new IllegalArgumentException(
          Checks.format(
              "Backend name \"%s\" is already provided by %s; pick another name.",
              name,
              found.getClass().getName()));
    }
    BackendFactory previous = registered.putIfAbsent(name, factory);
    if (previous != null) {
      throw new IllegalArgumentException(
          Checks.format(
              "Backend name \"%s\" is already registered by %s; unregister it first.",
              name,
              previous.getClass().getName()));
    }
  }

  /** Removes a backend registered in code; returns whether there was one. */
  public static boolean unregister(String name) {
    return registered.remove(name) != null;
  }

  /** Returns the factory for {@code name} when exactly one provides it, without throwing. */
  public static java.util.Optional<BackendFactory> find(String name) {
    BackendFactory f = registered.get(name);
    if (f != null) {
      return java.util.Optional.of(f);
    }
    Discovered d = discover();
    return d.conflicts.containsKey(name)
        ? java.util.Optional.empty()
        : java.util.Optional.ofNullable(d.byName.get(name));
  }

  /** Returns the factory for {@code name}, or throws an exception that says what to do. */
  public static BackendFactory lookup(String name) {
    BackendFactory f = registered.get(name);
    if (f != null) {
      return f;
    }
    Discovered d = discover();
    List<String> providers = d.conflicts.get(name);
    if (providers != null) {
      throw new IllegalStateException(
          Checks.format(
              "Backend name \"%s\" is provided by both %s and %s; remove one of them from the"
                  + " class path.",
              name,
              providers.get(0),
              providers.get(1)));
    }
    f = d.byName.get(name);
    if (f != null) {
      return f;
    }
    if (!d.loadErrors.isEmpty()) {
      throw new IllegalStateException(
          Checks.format(
              "No backend named \"%s\" among %s, and a provider failed to load: could not load"
                  + " backend factory (%s) listed in %s; remove or upgrade that library.",
              name,
              names(),
              d.loadErrors.get(0),
              SERVICES));
    }
    String artifact = ARTIFACTS.get(name);
    throw new IllegalArgumentException(
        Checks.format(
            "No backend named \"%s\". Known: %s. Backends are found with ServiceLoader: put the"
                + " jar that provides it%s on the class path, or register it with"
                + " ParallelConfig.registerBackend.",
            name,
            names(),
            artifact == null ? "" : " (for \"" + name + "\": " + artifact + ")"));
  }

  /** Returns every known backend name and alias, sorted. */
  public static Set<String> names() {
    Set<String> names = new TreeSet<>(registered.keySet());
    names.addAll(discover().byName.keySet());
    return Collections.unmodifiableSet(names);
  }

  private static Discovered discover() {
    ClassLoader ccl = Thread.currentThread().getContextClassLoader();
    ClassLoader key = ccl != null ? ccl : BackendRegistry.class.getClassLoader();
    synchronized (discovered) {
      return discovered.computeIfAbsent(key, Discovered::scan);
    }
  }

  /** Forgets what ServiceLoader found, so the next lookup scans the class path again. */
  public static void rescan() {
    synchronized (discovered) {
      discovered.clear();
    }
  }

  /** Scans {@code loader} alone; for tests of discovery. */
  static Discovered scanForTest(ClassLoader loader) {
    return Discovered.scan(loader);
  }

  static final class Discovered {
    final Map<String, BackendFactory> byName = new LinkedHashMap<>();
    final Map<String, List<String>> conflicts = new LinkedHashMap<>();
    final List<String> loadErrors = new ArrayList<>();

    static Discovered scan(ClassLoader loader) {
      Discovered d = new Discovered();
      d.load(loader);
      ClassLoader own = BackendRegistry.class.getClassLoader();
      if (own != null && own != loader) {
        d.load(own);
      }
      return d;
    }

    private void load(ClassLoader loader) {
      Iterator<BackendFactory> it = ServiceLoader.load(BackendFactory.class, loader).iterator();
      while (true) {
        BackendFactory factory;
        try {
          if (!it.hasNext()) {
            return;
          }
          factory = it.next();
        } catch (ServiceConfigurationError e) {
          loadErrors.add(String.valueOf(e.getMessage()));
          log.warn("Could not load a backend factory listed in {}: {}", SERVICES, e.toString());
          continue;
        }
        try {
          add(factory.name(), factory);
          for (String alias : factory.aliases()) {
            add(alias, factory);
          }
        } catch (RuntimeException | LinkageError e) {
          loadErrors.add(factory.getClass().getName() + ": " + e);
          log.warn("Backend factory {} failed to name itself", factory.getClass().getName(), e);
        }
      }
    }

    private void add(String name, BackendFactory factory) {
      @Nullable BackendFactory existing = byName.get(name);
      if (existing == null) {
        byName.put(name, factory);
      } else if (!existing.getClass().getName().equals(factory.getClass().getName())) {
        conflicts.put(
            name, List.of(existing.getClass().getName(), factory.getClass().getName()));
      }
    }
  }
}
