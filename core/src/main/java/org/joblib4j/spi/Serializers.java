package org.joblib4j.spi;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The {@link Serializer}s on the class path, by name; loaded once. */
final class Serializers {
  static final Map<String, Serializer> ALL = load();

  private Serializers() {}

  private static Map<String, Serializer> load() {
    Map<String, Serializer> all = new TreeMap<>();
    for (Serializer s : ServiceLoader.load(Serializer.class, Serializer.class.getClassLoader())) {
      all.putIfAbsent(s.name(), s);
    }
    return Collections.unmodifiableMap(all);
  }
}
