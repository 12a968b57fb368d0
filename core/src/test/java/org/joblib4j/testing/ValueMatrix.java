package org.joblib4j.testing;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.joblib4j.SerializableFunction;
import org.jspecify.annotations.Nullable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The values a task may take or return, each with what must become of it on every path a value
 * travels: worker JVMs, Spark executors, {@code Joblib.dump}/{@code load} files and the {@code
 * Memory} cache.
 *
 * <p>The rule every path meets: a value either comes back equal ({@link Expect#ROUND_TRIP}), or is
 * refused when it is written ({@link Expect#REFUSED}) with a {@link
 * org.joblib4j.SerializationException} whose message names the refused class, says {@code " at "}
 * and where the value sits in the graph, and gives a fix that is possible. Equal means of the same
 * class and equal by {@link Objects#deepEquals} after the case's {@link Case#view}, which is the
 * identity unless {@code equals} does not compare what the value holds (atomics, queues, patterns,
 * exceptions) or leaves out what it keeps (iteration order, comparators, enum types).
 *
 * <p>Paths send the values in the order of {@link #all}: the refused values come last, then a
 * record of a class not sent before and a few values sent again, which must still round-trip: a
 * refusal must leave the path able to carry the next values. Workers build a value from its name
 * with {@link #build}, so a task can make a value inside the worker and return it. This class is
 * immutable.
 */
public final class ValueMatrix {
  /** What must happen to a value on every path. */
  public enum Expect {
    /** The value comes back of the same class and equal after the case's view. */
    ROUND_TRIP,
    /** Writing the value fails with a {@code SerializationException} explaining the refusal. */
    REFUSED
  }

  /**
   * One value and its expectation.
   *
   * @param name what the value is, unique in the matrix
   * @param expect whether it round-trips or is refused
   * @param value builds a new instance of the value
   * @param view turns the value into what equality compares
   * @param refusedClass for a refused value, the start of the name ({@link Class#getName()}) of the
   *     class the refusal names; empty for values that round-trip
   * @param at for a refused value, where the refused class sits below the value, such as {@code
   *     ".layer.weights"}, or empty when it is the value itself
   * @param fix for a refused value, a word the suggested fix must contain, or empty
   */
  public record Case(
      String name,
      Expect expect,
      Supplier<?> value,
      Function<Object, ?> view,
      String refusedClass,
      String at,
      String fix) {
    /** Returns a new instance of the value. */
    public Object build() {
      return value.get();
    }

    /** Returns whether the refused class is one of the JDK's, which users cannot change. */
    public boolean refusesJdkClass() {
      return refusedClass.startsWith("java.")
          || refusedClass.startsWith("javax.")
          || refusedClass.startsWith("jdk.")
          || refusedClass.startsWith("sun.");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A plain enum. */
  public enum Color {
    RED,
    GREEN,
    BLUE
  }

  /** An enum whose constants have bodies, so each constant is a class of its own. */
  public enum Op {
    PLUS {
      @Override
      public int apply(int a, int b) {
        return a + b;
      }
    },
    TIMES {
      @Override
      public int apply(int a, int b) {
        return a * b;
      }
    };

    /** Applies the operation. */
    public abstract int apply(int a, int b);
  }

  /** A record of primitives. */
  public record Point(int x, int y) {}

  /** A record holding a list and a nested record. */
  public record Shape(String name, List<Point> points, Point origin) {}

  /** A record holding any value, to place a value one field below the root. */
  public record Box(Object value) {}

  /** The outer record of a value placed two fields below the root. */
  public record Model(String name, Layer layer) {}

  /** The inner record of a value placed two fields below the root. */
  public record Layer(Object weights) {}

  /** A record with a generic field, sent only after the refused values. */
  public record Tally(String name, Map<String, Integer> counts) {}

  /** A plain class (not a record, not {@code Serializable}) whose field holds a lambda. */
  public static final class SerializableLambdaHolder {
    final SerializableFunction<Integer, Integer> f;

    SerializableLambdaHolder(SerializableFunction<Integer, Integer> f) {
      this.f = f;
    }
  }

  /** A plain class whose field holds a lambda of an interface that is not serializable. */
  public static final class LambdaHolder {
    final Function<Integer, Integer> f;

    LambdaHolder(Function<Integer, Integer> f) {
      this.f = f;
    }
  }

  /** The values sent again after the refused ones. */
  private static final List<String> AGAIN =
      List.of(
          "ArrayList",
          "HashMap",
          "record holding a List and a nested record",
          "List of enum constants with bodies",
          "scala Map");

  private static final String AFTER_REFUSALS = ", after the refused values";

  private static final List<Case> CASES = cases();

  private ValueMatrix() {}

  /** Returns every case, in a fixed order. */
  public static List<Case> all() {
    return CASES;
  }

  /** Returns the case called {@code name}. */
  public static Case named(String name) {
    return find(CASES, name);
  }

  private static Case find(List<Case> cases, String name) {
    for (Case c : cases) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("No case named \"" + name + "\" in the value matrix");
  }

  /** Returns a new instance of the value called {@code name}; tasks call it inside workers. */
  public static Object build(String name) {
    return named(name).build();
  }

  /** Returns {@code value}; a task that sends a value to a worker and back. */
  public static Object identity(Object value) {
    return value;
  }

  /**
   * Returns why {@code actual} is not equal to {@code expected} under the case's rule, or empty
   * when it is.
   */
  public static Optional<String> difference(Case c, Object expected, @Nullable Object actual) {
    if (actual == null) {
      return Optional.of("expected a " + expected.getClass().getName() + " but got null");
    }
    if (actual.getClass() != expected.getClass()) {
      return Optional.of(
          "expected a "
              + expected.getClass().getName()
              + " but got a "
              + actual.getClass().getName()
              + ": "
              + show(actual));
    }
    Object want;
    Object got;
    try {
      want = c.view().apply(expected);
      got = c.view().apply(actual);
    } catch (RuntimeException e) {
      return Optional.of("comparing the value threw " + e);
    }
    if (Objects.deepEquals(want, got)) {
      return Optional.empty();
    }
    return Optional.of("expected " + show(want) + " but got " + show(got));
  }

  private static String show(@Nullable Object v) {
    String s = v instanceof Object[] a ? Arrays.deepToString(a) : String.valueOf(v);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static List<Case> cases() {
    List<Case> all = new ArrayList<>();

    // JDK collections
    all.add(equal("ArrayList", () -> new ArrayList<>(List.of(3, 1, 2))));
    all.add(equal("LinkedList", () -> new LinkedList<>(List.of(3, 1, 2))));
    all.add(equal("ArrayDeque", () -> new ArrayDeque<>(List.of(3, 1, 2)), ValueMatrix::inOrder));
    all.add(equal("HashMap", ValueMatrix::hashMap));
    all.add(equal("LinkedHashMap", () -> linkedHashMap(false), ValueMatrix::linkedOrder));
    all.add(
        equal(
            "LinkedHashMap in access order", () -> linkedHashMap(true), ValueMatrix::linkedOrder));
    all.add(equal("TreeMap", () -> new TreeMap<>(hashMap()), ValueMatrix::sortedMap));
    all.add(
        equal(
            "TreeMap with Comparator.reverseOrder()",
            () -> {
              TreeMap<String, Integer> m = new TreeMap<>(Comparator.reverseOrder());
              m.putAll(hashMap());
              return m;
            },
            ValueMatrix::sortedMap));
    all.add(equal("TreeSet", () -> new TreeSet<>(Set.of("b", "a", "c")), ValueMatrix::sortedSet));
    all.add(
        equal(
            "TreeSet with Comparator.reverseOrder()",
            () -> {
              TreeSet<String> s = new TreeSet<>(Comparator.reverseOrder());
              s.addAll(Set.of("b", "a", "c"));
              return s;
            },
            ValueMatrix::sortedSet));
    all.add(equal("HashSet", () -> new HashSet<>(Set.of("b", "a", "c"))));
    all.add(
        equal(
            "LinkedHashSet",
            () -> new LinkedHashSet<>(List.of("b", "a", "c")),
            ValueMatrix::inOrder));
    all.add(
        equal(
            "PriorityQueue",
            () -> new PriorityQueue<>(List.of(5, 1, 4, 2, 3)),
            ValueMatrix::polled));
    all.add(equal("ConcurrentHashMap", () -> new ConcurrentHashMap<>(hashMap())));
    all.add(equal("CopyOnWriteArrayList", () -> new CopyOnWriteArrayList<>(List.of(3, 1, 2))));
    all.add(
        equal(
            "IdentityHashMap",
            () -> new IdentityHashMap<>(hashMap()),
            v -> new HashMap<>((Map<?, ?>) v)));
    all.add(
        equal(
            "EnumMap",
            () -> new EnumMap<>(Map.of(Color.RED, 1, Color.BLUE, 3)),
            ValueMatrix::enumMap));
    all.add(equal("EnumMap, empty", () -> new EnumMap<>(Color.class), ValueMatrix::enumMap));
    all.add(equal("EnumSet", () -> EnumSet.of(Color.RED, Color.BLUE), ValueMatrix::enumSet));
    all.add(equal("EnumSet, empty", () -> EnumSet.noneOf(Color.class), ValueMatrix::enumSet));
    all.add(equal("List.of", () -> List.of(3, 1, 2)));
    all.add(equal("Set.of", () -> Set.of("b", "a", "c")));
    all.add(equal("Map.of", () -> Map.of("b", 2, "a", 1, "c", 3)));
    all.add(equal("Arrays.asList", () -> Arrays.asList(3, 1, 2)));
    all.add(equal("Collections.emptyList", Collections::emptyList));
    all.add(equal("Collections.singletonList", () -> Collections.singletonList("x")));
    all.add(equal("Collections.nCopies", () -> Collections.nCopies(3, "x")));

    // Wrappers, and wrappers of views (they copy the view)
    all.add(
        equal(
            "Collections.unmodifiableList",
            () -> Collections.unmodifiableList(new ArrayList<>(List.of(3, 1, 2)))));
    all.add(
        equal(
            "Collections.unmodifiableSet",
            () -> Collections.unmodifiableSet(new HashSet<>(Set.of("b", "a", "c")))));
    all.add(equal("Collections.unmodifiableMap", () -> Collections.unmodifiableMap(hashMap())));
    all.add(
        equal(
            "Collections.unmodifiableSortedMap",
            () -> Collections.unmodifiableSortedMap(new TreeMap<>(hashMap())),
            ValueMatrix::sortedMap));
    all.add(
        equal(
            "Collections.unmodifiableCollection",
            () -> Collections.unmodifiableCollection(new ArrayList<>(List.of(3, 1, 2))),
            ValueMatrix::inOrder));
    all.add(
        equal(
            "Collections.synchronizedList",
            () -> Collections.synchronizedList(new ArrayList<>(List.of(3, 1, 2)))));
    all.add(equal("Collections.synchronizedMap", () -> Collections.synchronizedMap(hashMap())));
    all.add(
        equal(
            "Collections.synchronizedSet",
            () -> Collections.synchronizedSet(new HashSet<>(Set.of("b", "a", "c")))));
    all.add(
        equal(
            "Collections.checkedList",
            () -> Collections.checkedList(new ArrayList<>(List.of("b", "a")), String.class)));
    all.add(
        equal(
            "Collections.unmodifiableSet(HashMap.keySet())",
            () -> Collections.unmodifiableSet(hashMap().keySet())));
    all.add(
        equal(
            "Collections.unmodifiableCollection(HashMap.values())",
            () -> Collections.unmodifiableCollection(hashMap().values()),
            v -> sorted((Collection<?>) v)));
    all.add(
        equal(
            "Collections.unmodifiableList(ArrayList.subList(1, 3))",
            () ->
                Collections.unmodifiableList(new ArrayList<>(List.of(4, 3, 1, 2)).subList(1, 3))));

    // java.time, java.math and other JDK values
    all.add(equal("Instant", () -> Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
    all.add(equal("LocalDate", () -> LocalDate.of(2024, 2, 29)));
    all.add(equal("LocalDateTime", () -> LocalDateTime.of(2024, 2, 29, 13, 45, 7, 1_000)));
    all.add(
        equal(
            "ZonedDateTime",
            () -> ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))));
    all.add(equal("Duration", () -> Duration.ofSeconds(90, 5)));
    all.add(equal("Period", () -> Period.of(1, 2, 3)));
    all.add(equal("ZoneId", () -> ZoneId.of("Europe/Paris")));
    all.add(equal("BigInteger", () -> new BigInteger("123456789012345678901234567890")));
    all.add(equal("BigDecimal", () -> new BigDecimal("12345.67890")));
    all.add(equal("UUID", () -> new UUID(0x0123456789abcdefL, 0xfedcba9876543210L)));
    all.add(equal("AtomicInteger", () -> new AtomicInteger(42), v -> ((AtomicInteger) v).get()));
    all.add(equal("AtomicLong", () -> new AtomicLong(42), v -> ((AtomicLong) v).get()));
    all.add(equal("AtomicBoolean", () -> new AtomicBoolean(true), v -> ((AtomicBoolean) v).get()));
    all.add(
        equal(
            "AtomicReference",
            () -> new AtomicReference<>("x"),
            v -> ((AtomicReference<?>) v).get()));
    all.add(
        equal(
            "AtomicIntegerArray",
            () -> new AtomicIntegerArray(new int[] {3, 1, 2}),
            Object::toString));
    all.add(
        equal(
            "LongAdder",
            () -> {
              LongAdder a = new LongAdder();
              a.add(42);
              return a;
            },
            v -> ((LongAdder) v).sum()));
    all.add(
        equal(
            "Pattern",
            () -> Pattern.compile("a+b*", Pattern.CASE_INSENSITIVE),
            v -> List.of(((Pattern) v).pattern(), ((Pattern) v).flags())));
    all.add(equal("Locale", () -> Locale.forLanguageTag("fr-CA")));
    all.add(equal("Currency", () -> Currency.getInstance("EUR")));
    all.add(equal("URI", () -> URI.create("https://example.org/a?b=c#d")));
    // URL.equals resolves host names: compare the text.
    all.add(equal("URL", ValueMatrix::url, Object::toString));
    all.add(equal("File", () -> new File("/tmp/x")));
    all.add(equal("Path", () -> Path.of("/tmp/x")));
    all.add(
        equal(
            "BitSet",
            () -> {
              BitSet b = new BitSet();
              b.set(1);
              b.set(100);
              return b;
            }));
    all.add(equal("Optional", () -> Optional.of("x")));
    all.add(equal("OptionalInt", () -> OptionalInt.of(42)));
    all.add(equal("OptionalLong", () -> OptionalLong.of(42)));
    all.add(equal("OptionalDouble", () -> OptionalDouble.of(4.2)));
    all.add(equal("Date", () -> new Date(1_700_000_000_000L)));
    all.add(
        equal(
            "GregorianCalendar",
            () -> {
              GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("Europe/Paris"));
              c.setTimeInMillis(1_700_000_000_000L);
              return c;
            }));
    all.add(equal("TimeZone", () -> TimeZone.getTimeZone("Europe/Paris")));
    all.add(equal("Charset", () -> StandardCharsets.UTF_8));
    all.add(equal("StringBuilder", () -> new StringBuilder("ab").append(42), Object::toString));
    all.add(
        equal(
            "IllegalStateException with an IOException cause",
            () -> new IllegalStateException("outer", new IOException("inner")),
            ValueMatrix::exception));

    // User types
    all.add(
        equal(
            "record holding a List and a nested record",
            () ->
                new Shape("triangle", List.of(new Point(0, 0), new Point(1, 2)), new Point(5, 6))));
    all.add(equal("enum", () -> Color.GREEN));
    all.add(equal("enum constant with a body", () -> Op.TIMES));
    all.add(equal("List of enum constants with bodies", () -> List.of(Op.TIMES, Op.PLUS)));
    all.add(equal("int[][]", () -> new int[][] {{1, 2, 3}, {}, {4}}));
    all.add(equal("String[][]", () -> new String[][] {{"a", "b"}, {"c"}}));
    all.add(
        equal(
            "Object[] of mixed values",
            () -> new Object[] {1, "two", 3.0, new int[] {4}, List.of(5), Color.RED, null}));
    all.add(
        equal(
            "plain class holding a SerializableFunction lambda",
            () -> new SerializableLambdaHolder(x -> x + 1),
            v -> ((SerializableLambdaHolder) v).f.apply(20)));

    // Scala values
    all.add(equal("scala List", () -> scalaList().toList()));
    all.add(equal("scala Vector", () -> scalaList().toVector()));
    all.add(
        equal(
            "scala Map",
            () ->
                scala.collection.immutable.Map$.MODULE$.from(
                    CollectionConverters.asScala(Map.of("a", 1, "b", 2)))));
    all.add(
        equal(
            "scala Set",
            () ->
                scala.collection.immutable.Set$.MODULE$.from(
                    CollectionConverters.asScala(Set.of("a", "b")))));
    all.add(equal("scala Some", () -> scala.Option.apply("x")));
    all.add(equal("scala None", () -> scala.None$.MODULE$));
    all.add(equal("scala Tuple2", () -> new scala.Tuple2<>("a", 1)));
    all.add(equal("scala Tuple3", () -> new scala.Tuple3<>("a", 1, 2.0)));
    all.add(equal("scala case class (Left)", () -> new scala.util.Left<>("error")));

    // Refused: views, and values that are not data
    all.add(
        refused(
            "HashMap.keySet()", () -> hashMap().keySet(), "java.util.HashMap$KeySet", "", "copy"));
    all.add(
        refused(
            "HashMap.values()", () -> hashMap().values(), "java.util.HashMap$Values", "", "copy"));
    all.add(
        refused(
            "HashMap.entrySet()",
            () -> hashMap().entrySet(),
            "java.util.HashMap$EntrySet",
            "",
            "copy"));
    all.add(
        refused(
            "ArrayList.subList(1, 3)",
            () -> new ArrayList<>(List.of(4, 3, 1, 2)).subList(1, 3),
            "java.util.ArrayList$SubList",
            "",
            "copy"));
    // A TreeMap's range view is serializable: it travels with the map behind it, and reads back equal.
    all.add(equal("TreeMap.headMap(\"c\")", () -> new TreeMap<>(hashMap()).headMap("c")));
    all.add(refused("Thread", () -> new Thread("matrix"), "java.lang.Thread", "", ""));
    all.add(
        refused(
            "ByteArrayInputStream",
            () -> new ByteArrayInputStream(new byte[] {1, 2}),
            "java.io.ByteArrayInputStream",
            "",
            ""));
    all.add(
        refused(
            "record holding HashMap.keySet()",
            () -> new Box(hashMap().keySet()),
            "java.util.HashMap$KeySet",
            ".value",
            "copy"));
    all.add(
        refused(
            "Thread two records below the root",
            () -> new Model("m", new Layer(new Thread("matrix"))),
            "java.lang.Thread",
            ".layer.weights",
            ""));
    // Last of the refused values: a failed lambda write has been seen to corrupt later values.
    all.add(
        refused(
            "plain class holding a java.util.function.Function lambda",
            () -> new LambdaHolder(x -> x + 1),
            ValueMatrix.class.getName() + "$$Lambda",
            ".f",
            ""));

    // Values again: a refusal leaves every path able to carry the next values.
    all.add(
        equal(
            "record of a class first sent after the refused values",
            () -> new Tally("t", new HashMap<>(Map.of("x", 1, "y", 2)))));
    for (String again : AGAIN) {
      Case c = find(all, again);
      all.add(new Case(again + AFTER_REFUSALS, Expect.ROUND_TRIP, c.value(), c.view(), "", "", ""));
    }

    Set<String> names = new HashSet<>();
    for (Case c : all) {
      if (!names.add(c.name())) {
        throw new IllegalStateException("Two cases are named \"" + c.name() + "\"");
      }
    }
    return List.copyOf(all);
  }

  private static Case equal(String name, Supplier<?> value) {
    return equal(name, value, v -> v);
  }

  private static Case equal(String name, Supplier<?> value, Function<Object, ?> view) {
    return new Case(name, Expect.ROUND_TRIP, value, view, "", "", "");
  }

  private static Case refused(
      String name, Supplier<?> value, String refusedClass, String at, String fix) {
    return new Case(name, Expect.REFUSED, value, v -> v, refusedClass, at, fix);
  }

  private static HashMap<String, Integer> hashMap() {
    return new HashMap<>(Map.of("b", 2, "a", 1, "c", 3, "d", 4));
  }

  private static LinkedHashMap<String, Integer> linkedHashMap(boolean accessOrder) {
    LinkedHashMap<String, Integer> m = new LinkedHashMap<>(16, 0.75f, accessOrder);
    m.put("c", 3);
    m.put("a", 1);
    m.put("b", 2);
    return m;
  }

  private static java.net.URL url() {
    try {
      return URI.create("https://example.org/a?b=c#d").toURL();
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static scala.collection.mutable.Buffer<Integer> scalaList() {
    return CollectionConverters.asScala(new ArrayList<>(List.of(3, 1, 2)));
  }

  private static List<Object> inOrder(Object v) {
    return new ArrayList<>((Collection<?>) v);
  }

  private static List<Object> sorted(Collection<?> c) {
    List<Object> l = new ArrayList<>(c);
    l.sort(null);
    return l;
  }

  private static List<Object> entries(Map<?, ?> m) {
    List<Object> l = new ArrayList<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      l.add(new AbstractMap.SimpleImmutableEntry<>(e));
    }
    return l;
  }

  /** The entries in order, and the order after reading the first key (access order moves it). */
  private static List<Object> linkedOrder(Object v) {
    @SuppressWarnings("unchecked")
    Map<Object, Object> m = (Map<Object, Object>) v;
    List<Object> before = entries(m);
    m.get(m.keySet().iterator().next());
    return List.of(before, entries(m));
  }

  /** The entries in order and what the comparator says of two keys. */
  private static List<Object> sortedMap(Object v) {
    SortedMap<?, ?> m = (SortedMap<?, ?>) v;
    return List.of(entries(m), comparatorProbe(m.comparator()));
  }

  private static List<Object> sortedSet(Object v) {
    SortedSet<?> s = (SortedSet<?>) v;
    return List.of(new ArrayList<>(s), comparatorProbe(s.comparator()));
  }

  private static String comparatorProbe(@Nullable Comparator<?> comparator) {
    if (comparator == null) {
      return "natural order";
    }
    @SuppressWarnings("unchecked")
    Comparator<Object> c = (Comparator<Object>) comparator;
    return comparator.getClass().getName() + " says a-b " + Integer.signum(c.compare("a", "b"));
  }

  /** The elements in the order the queue gives them out. */
  private static List<Object> polled(Object v) {
    PriorityQueue<?> copy = new PriorityQueue<>((PriorityQueue<?>) v);
    List<Object> l = new ArrayList<>();
    while (!copy.isEmpty()) {
      l.add(copy.poll());
    }
    return l;
  }

  /** The entries, and whether the map takes a key of its key type (an empty EnumMap has one). */
  private static List<Object> enumMap(Object v) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    EnumMap<Color, Integer> copy = new EnumMap((EnumMap) v);
    String probe;
    try {
      copy.put(Color.GREEN, 2);
      probe = "takes Color";
    } catch (RuntimeException e) {
      probe = "refuses Color: " + e;
    }
    return List.of(new HashMap<>((Map<?, ?>) v), probe);
  }

  /** The elements, and the complement, which shows the element type of an empty set. */
  private static List<Object> enumSet(Object v) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    EnumSet<?> complement = EnumSet.complementOf((EnumSet) v);
    return List.of(new HashSet<>((Set<?>) v), new HashSet<>(complement));
  }

  private static List<Object> exception(Object v) {
    Throwable t = (Throwable) v;
    Throwable cause = t.getCause();
    return Arrays.asList(
        t.getClass().getName(),
        t.getMessage(),
        cause == null ? null : cause.getClass().getName(),
        cause == null ? null : cause.getMessage());
  }
}
