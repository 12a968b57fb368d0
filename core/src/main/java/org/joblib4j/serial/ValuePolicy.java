package org.joblib4j.serial;

import java.io.Closeable;
import java.io.Externalizable;
import java.io.File;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.Buffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.Spliterator;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.BaseStream;
import org.jspecify.annotations.Nullable;

/**
 * Decides how a class travels, once per class: Kryo's own serializer for it, Kryo's field
 * serializer, Java serialization, or not at all. This class is thread-safe.
 *
 * <pre>
 * Design note. The rule is "faithful on a JVM with no module options". Kryo reaches an object's
 * fields by reflection, which works for the program's own classes (the unnamed module is open)
 * and fails, or silently goes wrong, for the JDK's: a JDK class's private fields need
 * --add-opens, and Kryo's generic collection serializer rebuilds any Collection by creating an
 * empty instance and calling add(), which for a wrapper or a view (unmodifiableList, keySet(),
 * subList) gives an object whose backing field is null: written fine, unreadable. So for a JDK
 * class the policy trusts only serializers known to use the class's public API: Kryo's own for
 * an exact list of classes, the project's for wrappers, EnumMap, LinkedHashMap, paths and the
 * like (JdkSerializers), and Kryo's collection and map serializers only for the plain
 * collections whose no-argument constructor gives back the same kind of collection. Every
 * other serializable JDK class goes through Java serialization, which the JDK implements for its
 * own classes without module options. A JDK class with no serialized form is refused when it is
 * written, with a fix that names what to pass instead.
 *
 * The program's own classes take Kryo's field serializer, except where that loses state: a
 * class that customises Java serialization (writeObject, readResolve, Externalizable; Scala's
 * collections and objects) and a class that extends a JDK class with state of its own (a
 * subclass of HashMap with a field) take Java serialization, or are refused if they are not
 * serializable. A class of the program's that implements Collection or Map directly takes the
 * field serializer, not Kryo's add()-based one, so its own invariants survive.
 * </pre>
 */
final class ValuePolicy {
  /** How a class travels. */
  enum Kind {
    /** The serializer Kryo's defaults give it: one of Kryo's, or one the project registered. */
    KRYO,
    /** Kryo's field serializer. */
    FIELDS,
    /** Java serialization inside the Kryo stream. */
    JAVA,
    /** It cannot travel. */
    REFUSED
  }

  /** A class's way of travelling; for a refusal, why and what to do instead. */
  record Verdict(Kind kind, String reason, String fix) {
    static final Verdict KRYO = new Verdict(Kind.KRYO, "", "");
    static final Verdict FIELDS = new Verdict(Kind.FIELDS, "", "");
    static final Verdict JAVA = new Verdict(Kind.JAVA, "", "");

    static Verdict refused(String reason, String fix) {
      return new Verdict(Kind.REFUSED, reason, fix);
    }
  }

  /** JDK classes whose Kryo default (Kryo's own or the project's) is faithful. */
  private static final Set<Class<?>> KRYO_CLASSES = new HashSet<>();

  /**
   * The JDK's TimeZone class, by name: getting an instance to ask reads the time-zone database, a
   * cost the first dump of a JVM should not pay.
   */
  private static final String ZONE_INFO = "sun.util.calendar.ZoneInfo";

  /** The class of the default file system's paths: the only paths that travel as a string. */
  private static final Class<?> DEFAULT_PATH = Path.of("").getClass();

  /** JDK types whose subclasses in the JDK all take the Kryo default registered for the type. */
  private static final List<Class<?>> KRYO_TYPES =
      List.of(
          Enum.class,
          EnumSet.class,
          Charset.class,
          Path.class,
          Buffer.class,
          ZoneId.class,
          Class.class);

  /** JDK collections and maps that Kryo's add()/put()-based serializers rebuild faithfully. */
  private static final Set<Class<?>> PLAIN_COLLECTIONS =
      Set.of(
          ArrayList.class,
          LinkedList.class,
          ArrayDeque.class,
          HashSet.class,
          LinkedHashSet.class,
          Vector.class,
          Stack.class,
          HashMap.class,
          Hashtable.class,
          IdentityHashMap.class,
          ConcurrentHashMap.class,
          ConcurrentLinkedQueue.class,
          ConcurrentLinkedDeque.class,
          CopyOnWriteArrayList.class,
          CopyOnWriteArraySet.class);

  static {
    Collections.addAll(
        KRYO_CLASSES,
        BigInteger.class,
        BigDecimal.class,
        Date.class,
        Currency.class,
        StringBuffer.class,
        StringBuilder.class,
        Locale.class,
        URL.class,
        URI.class,
        UUID.class,
        Pattern.class,
        File.class,
        BitSet.class,
        GregorianCalendar.class,
        PriorityQueue.class,
        TreeSet.class,
        TreeMap.class,
        ConcurrentSkipListMap.class,
        LinkedHashMap.class,
        EnumMap.class,
        AtomicBoolean.class,
        AtomicInteger.class,
        AtomicLong.class,
        AtomicReference.class,
        Optional.class,
        OptionalInt.class,
        OptionalLong.class,
        OptionalDouble.class,
        Duration.class,
        Instant.class,
        LocalDate.class,
        LocalTime.class,
        LocalDateTime.class,
        OffsetTime.class,
        OffsetDateTime.class,
        ZonedDateTime.class,
        Year.class,
        YearMonth.class,
        MonthDay.class,
        Period.class,
        AbstractMap.SimpleEntry.class,
        AbstractMap.SimpleImmutableEntry.class,
        Map.entry("", "").getClass(),
        Collections.emptyList().getClass(),
        Collections.emptySet().getClass(),
        Collections.emptyMap().getClass(),
        Collections.singletonList("").getClass(),
        Collections.singleton("").getClass(),
        Collections.singletonMap("", "").getClass(),
        Arrays.asList().getClass(),
        List.of().getClass(),
        List.of(1).getClass(),
        List.of(1, 2, 3).getClass(),
        Set.of().getClass(),
        Set.of(1).getClass(),
        Set.of(1, 2, 3).getClass(),
        Map.of().getClass(),
        Map.of(1, 1).getClass(),
        Map.of(1, 1, 2, 2, 3, 3).getClass());
    KRYO_CLASSES.addAll(JdkSerializers.wrapperClasses());
  }

  private static final ClassValue<Verdict> VERDICTS =
      new ClassValue<>() {
        @Override
        protected Verdict computeValue(Class<?> type) {
          return decide(type);
        }
      };

  private ValuePolicy() {}

  /** Returns how {@code type} travels; computed once per class. */
  static Verdict verdict(Class<?> type) {
    return VERDICTS.get(type);
  }

  /** Returns whether {@code type} is the JDK's own, whose private state needs module options. */
  static boolean isJdk(Class<?> type) {
    Module m = type.getModule();
    if (!m.isNamed()) {
      return false;
    }
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == ClassLoader.getPlatformClassLoader();
  }

  private static Verdict decide(Class<?> type) {
    if (type.isArray() || type.isPrimitive()) {
      return Verdict.KRYO;
    }
    return isJdk(type) ? decideJdk(type) : decideOwn(type);
  }

  private static Verdict decideJdk(Class<?> type) {
    if (Throwable.class.isAssignableFrom(type)) {
      return Verdict.JAVA;
    }
    if (Path.class.isAssignableFrom(type) && type != DEFAULT_PATH) {
      return Verdict.refused(
          "it is a path of a file system other than the default one (a zip file's, an in-memory"
              + " one), which the reading JVM may not have open",
          "Pass path.toUri().toString() and open the file system inside the task");
    }
    if (KRYO_CLASSES.contains(type) || type.getName().equals(ZONE_INFO)) {
      return Verdict.KRYO;
    }
    for (Class<?> t : KRYO_TYPES) {
      if (t.isAssignableFrom(type)) {
        return Verdict.KRYO;
      }
    }
    if (PLAIN_COLLECTIONS.contains(type)) {
      return Verdict.KRYO;
    }
    if (Serializable.class.isAssignableFrom(type)) {
      return Verdict.JAVA;
    }
    return refusedJdk(type);
  }

  private static Verdict refusedJdk(Class<?> type) {
    String copy = copyTarget(type);
    if (copy != null) {
      return Verdict.refused(
          "it is a view of another collection, which does not travel on its own",
          "Copy it into a " + copy + " first, e.g. new " + simple(copy) + "<>(view)");
    }
    if (Iterator.class.isAssignableFrom(type)
        || Spliterator.class.isAssignableFrom(type)
        || BaseStream.class.isAssignableFrom(type)) {
      return Verdict.refused(
          "it is a one-pass cursor over data of this JVM",
          "Collect what it yields into a java.util.ArrayList first");
    }
    if (Thread.class.isAssignableFrom(type)
        || ThreadGroup.class.isAssignableFrom(type)
        || ExecutorService.class.isAssignableFrom(type)
        || AutoCloseable.class.isAssignableFrom(type)
        || Closeable.class.isAssignableFrom(type)
        || ClassLoader.class.isAssignableFrom(type)) {
      return Verdict.refused(
          "it belongs to the running JVM (a thread, a stream, a channel, a pool or a loader)"
              + " and cannot be copied",
          "Create it inside the task, and pass what it is made from (a path, a URI, settings)");
    }
    return Verdict.refused(
        "it is a JDK class with no serialized form",
        "Pass the data it holds instead, or create it inside the task");
  }

  /** Returns the collection to copy a JDK view of {@code type} into, or null. */
  static @Nullable String copyTarget(Class<?> type) {
    if (SortedMap.class.isAssignableFrom(type)) {
      return "java.util.TreeMap";
    } else if (Map.class.isAssignableFrom(type)) {
      return "java.util.HashMap";
    } else if (SortedSet.class.isAssignableFrom(type)) {
      return "java.util.TreeSet";
    } else if (Set.class.isAssignableFrom(type)) {
      return "java.util.HashSet";
    } else if (List.class.isAssignableFrom(type)) {
      return "java.util.ArrayList";
    } else if (Deque.class.isAssignableFrom(type) || Queue.class.isAssignableFrom(type)) {
      return "java.util.ArrayDeque";
    } else if (Collection.class.isAssignableFrom(type)) {
      return "java.util.ArrayList";
    } else if (Map.Entry.class.isAssignableFrom(type)) {
      return "java.util.AbstractMap.SimpleEntry";
    }
    return null;
  }

  private static String simple(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static Verdict decideOwn(Class<?> type) {
    if (Throwable.class.isAssignableFrom(type)) {
      return Verdict.JAVA;
    }
    if (type.isEnum() || Enum.class.isAssignableFrom(type) || type.isRecord()) {
      return Verdict.KRYO;
    }
    if (Serializable.class.isAssignableFrom(type) && customizesJavaSerialization(type)) {
      return Verdict.JAVA;
    }
    Class<?> jdk = jdkStateSuperclass(type);
    if (jdk != null) {
      boolean collection =
          Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
      if (collection && PLAIN_COLLECTIONS.contains(jdk) && !hasOwnState(type) && hasNoArgs(type)) {
        return Verdict.KRYO;
      }
      if (Serializable.class.isAssignableFrom(type)) {
        return Verdict.JAVA;
      }
      return Verdict.refused(
          "it extends "
              + jdk.getName()
              + ", whose state cannot be reached without JVM module"
              + " options, and it is not java.io.Serializable",
          "Make "
              + type.getName()
              + " implement java.io.Serializable, or hold the "
              + jdk.getSimpleName()
              + " in a field instead of extending it");
    }
    if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
      return Verdict.FIELDS;
    }
    return Verdict.KRYO;
  }

  /**
   * Returns the first JDK superclass of {@code type} that has instance fields of its own that Java
   * serialization would write (not static, not transient), or null.
   */
  private static @Nullable Class<?> jdkStateSuperclass(Class<?> type) {
    for (Class<?> c = type.getSuperclass(); c != null && c != Object.class; c = c.getSuperclass()) {
      if (!isJdk(c)) {
        continue;
      }
      for (Class<?> s = c; s != null && s != Object.class; s = s.getSuperclass()) {
        for (Field f : s.getDeclaredFields()) {
          int m = f.getModifiers();
          if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
            return c;
          }
        }
      }
      return null;
    }
    return null;
  }

  private static boolean hasOwnState(Class<?> type) {
    for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasNoArgs(Class<?> type) {
    try {
      type.getDeclaredConstructor();
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * Whether the program's class, or one of its superclasses that is not the JDK's, customises Java
   * serialization.
   */
  static boolean customizesJavaSerialization(Class<?> type) {
    if (Externalizable.class.isAssignableFrom(type)) {
      return true;
    }
    for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        String m = method.getName();
        if ((m.equals("writeObject") || m.equals("readObject")) && method.getParameterCount() == 1
            || (m.equals("writeReplace") || m.equals("readResolve"))
                && method.getParameterCount() == 0) {
          return true;
        }
      }
    }
    return false;
  }
}
