package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Serializers for JDK classes that Kryo cannot rebuild through their fields without module options:
 * each writes what the class's public API gives and rebuilds the object with the class's public
 * factories. This class is immutable.
 */
final class JdkSerializers {
  private static final int COLLECTION = 0;
  private static final int LIST = 1;
  private static final int SET = 2;
  private static final int SORTED_SET = 3;
  private static final int NAVIGABLE_SET = 4;
  private static final int MAP = 5;
  private static final int SORTED_MAP = 6;
  private static final int NAVIGABLE_MAP = 7;

  /** The wrapper classes of {@link Collections}, each with its kind and whether it synchronizes. */
  private static final Map<Class<?>, int[]> WRAPPERS = wrappers();

  private JdkSerializers() {}

  /** Registers the serializers as Kryo defaults of {@code kryo}. */
  static void register(Kryo kryo) {
    kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
    kryo.addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
    kryo.addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
    kryo.addDefaultSerializer(
        AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
    kryo.addDefaultSerializer(
        AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
    kryo.addDefaultSerializer(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
    kryo.addDefaultSerializer(
        AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());
    kryo.addDefaultSerializer(Path.class, new PathSerializer());
    kryo.addDefaultSerializer(File.class, new FileSerializer());
    kryo.addDefaultSerializer(EnumMap.class, new EnumMapSerializer());
    kryo.addDefaultSerializer(LinkedHashMap.class, new LinkedHashMapSerializer());
    kryo.addDefaultSerializer(
        AbstractMap.SimpleImmutableEntry.class, new EntrySerializer(EntrySerializer.IMMUTABLE));
    kryo.addDefaultSerializer(
        AbstractMap.SimpleEntry.class, new EntrySerializer(EntrySerializer.MUTABLE));
    kryo.addDefaultSerializer(
        Map.entry("", "").getClass(), new EntrySerializer(EntrySerializer.MAP_ENTRY));
    for (Map.Entry<Class<?>, int[]> w : WRAPPERS.entrySet()) {
      kryo.addDefaultSerializer(
          w.getKey(), new WrapperSerializer(w.getValue()[0], w.getValue()[1]));
    }
  }

  /** Returns the wrapper classes of {@link Collections} that {@link WrapperSerializer} rebuilds. */
  static Set<Class<?>> wrapperClasses() {
    return WRAPPERS.keySet();
  }

  private static Map<Class<?>, int[]> wrappers() {
    Map<Class<?>, int[]> w = new HashMap<>();
    List<String> list = new ArrayList<>();
    List<String> linked = new LinkedList<>();
    Set<String> set = new LinkedHashSet<>();
    TreeSet<String> sortedSet = new TreeSet<>();
    Map<String, String> map = new HashMap<>();
    TreeMap<String, String> sortedMap = new TreeMap<>();
    for (int sync = 0; sync < 2; sync++) {
      boolean s = sync == 1;
      put(
          w,
          s ? Collections.synchronizedCollection(list) : Collections.unmodifiableCollection(list),
          COLLECTION,
          sync);
      put(
          w,
          s ? Collections.synchronizedList(list) : Collections.unmodifiableList(list),
          LIST,
          sync);
      put(
          w,
          s ? Collections.synchronizedList(linked) : Collections.unmodifiableList(linked),
          LIST,
          sync);
      put(w, s ? Collections.synchronizedSet(set) : Collections.unmodifiableSet(set), SET, sync);
      put(
          w,
          s
              ? Collections.synchronizedSortedSet(sortedSet)
              : Collections.unmodifiableSortedSet(sortedSet),
          SORTED_SET,
          sync);
      put(
          w,
          s
              ? Collections.synchronizedNavigableSet(sortedSet)
              : Collections.unmodifiableNavigableSet(sortedSet),
          NAVIGABLE_SET,
          sync);
      put(w, s ? Collections.synchronizedMap(map) : Collections.unmodifiableMap(map), MAP, sync);
      put(
          w,
          s
              ? Collections.synchronizedSortedMap(sortedMap)
              : Collections.unmodifiableSortedMap(sortedMap),
          SORTED_MAP,
          sync);
      put(
          w,
          s
              ? Collections.synchronizedNavigableMap(sortedMap)
              : Collections.unmodifiableNavigableMap(sortedMap),
          NAVIGABLE_MAP,
          sync);
    }
    return Collections.unmodifiableMap(w);
  }

  private static void put(Map<Class<?>, int[]> w, Object wrapper, int kind, int sync) {
    w.putIfAbsent(wrapper.getClass(), new int[] {kind, sync});
  }

  /**
   * The unmodifiable and synchronized wrappers of {@link Collections}: their elements (and the
   * comparator of a sorted one), rebuilt as the same wrapper over an ArrayList, LinkedHashSet,
   * TreeSet, LinkedHashMap or TreeMap holding them in the same order.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class WrapperSerializer extends Serializer<Object> {
    private final int kind;
    private final boolean synchronizedWrapper;

    WrapperSerializer(int kind, int sync) {
      this.kind = kind;
      this.synchronizedWrapper = sync == 1;
    }

    @Override
    public void write(Kryo kryo, Output output, Object wrapper) {
      if (synchronizedWrapper) {
        synchronized (wrapper) {
          writeContent(kryo, output, wrapper);
        }
      } else {
        writeContent(kryo, output, wrapper);
      }
    }

    private void writeContent(Kryo kryo, Output output, Object wrapper) {
      if (kind == SORTED_SET || kind == NAVIGABLE_SET) {
        kryo.writeClassAndObject(output, ((SortedSet) wrapper).comparator());
      } else if (kind == SORTED_MAP || kind == NAVIGABLE_MAP) {
        kryo.writeClassAndObject(output, ((SortedMap) wrapper).comparator());
      }
      if (kind >= MAP) {
        Map<?, ?> m = (Map<?, ?>) wrapper;
        output.writeVarInt(m.size(), true);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          kryo.writeClassAndObject(output, e.getKey());
          kryo.writeClassAndObject(output, e.getValue());
        }
      } else {
        Collection<?> c = (Collection<?>) wrapper;
        output.writeVarInt(c.size(), true);
        for (Object o : c) {
          kryo.writeClassAndObject(output, o);
        }
      }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
      Comparator comparator = null;
      if (kind == SORTED_SET
          || kind == NAVIGABLE_SET
          || kind == SORTED_MAP
          || kind == NAVIGABLE_MAP) {
        comparator = (Comparator) kryo.readClassAndObject(input);
      }
      if (kind >= MAP) {
        Map inner = kind == MAP ? new LinkedHashMap<>() : new TreeMap<>(comparator);
        Object wrapper = wrap(inner);
        kryo.reference(wrapper);
        int n = input.readVarInt(true);
        for (int i = 0; i < n; i++) {
          Object key = kryo.readClassAndObject(input);
          inner.put(key, kryo.readClassAndObject(input));
        }
        return wrapper;
      }
      Collection inner =
          kind == SET
              ? new LinkedHashSet<>()
              : kind == SORTED_SET || kind == NAVIGABLE_SET
                  ? new TreeSet<>(comparator)
                  : new ArrayList<>();
      Object wrapper = wrap(inner);
      kryo.reference(wrapper);
      int n = input.readVarInt(true);
      for (int i = 0; i < n; i++) {
        inner.add(kryo.readClassAndObject(input));
      }
      return wrapper;
    }

    private Object wrap(Object inner) {
      boolean s = synchronizedWrapper;
      switch (kind) {
        case COLLECTION:
          return s
              ? Collections.synchronizedCollection((Collection) inner)
              : Collections.unmodifiableCollection((Collection) inner);
        case LIST:
          return s
              ? Collections.synchronizedList((List) inner)
              : Collections.unmodifiableList((List) inner);
        case SET:
          return s
              ? Collections.synchronizedSet((Set) inner)
              : Collections.unmodifiableSet((Set) inner);
        case SORTED_SET:
          return s
              ? Collections.synchronizedSortedSet((SortedSet) inner)
              : Collections.unmodifiableSortedSet((SortedSet) inner);
        case NAVIGABLE_SET:
          return s
              ? Collections.synchronizedNavigableSet((NavigableSet) inner)
              : Collections.unmodifiableNavigableSet((NavigableSet) inner);
        case MAP:
          return s
              ? Collections.synchronizedMap((Map) inner)
              : Collections.unmodifiableMap((Map) inner);
        case SORTED_MAP:
          return s
              ? Collections.synchronizedSortedMap((SortedMap) inner)
              : Collections.unmodifiableSortedMap((SortedMap) inner);
        default:
          return s
              ? Collections.synchronizedNavigableMap((NavigableMap) inner)
              : Collections.unmodifiableNavigableMap((NavigableMap) inner);
      }
    }
  }

  /**
   * An EnumMap as its key type and entries. The key type of an empty map is not in its public API,
   * so an empty map travels by Java serialization, which is tiny for it.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class EnumMapSerializer extends Serializer<EnumMap> {
    private final JavaSerializer java = new JavaSerializer();

    @Override
    public void write(Kryo kryo, Output output, EnumMap map) {
      if (map.isEmpty()) {
        output.writeBoolean(true);
        java.write(kryo, output, map);
        return;
      }
      output.writeBoolean(false);
      Enum<?> first = (Enum<?>) map.keySet().iterator().next();
      kryo.writeClass(output, first.getDeclaringClass());
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry<Enum<?>, ?> e = (Map.Entry<Enum<?>, ?>) o;
        output.writeVarInt(e.getKey().ordinal(), true);
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public EnumMap read(Kryo kryo, Input input, Class<? extends EnumMap> type) {
      if (input.readBoolean()) {
        return (EnumMap) java.read(kryo, input, type);
      }
      Class keyType = kryo.readClass(input).getType();
      Object[] constants = keyType.getEnumConstants();
      EnumMap map = new EnumMap(keyType);
      kryo.reference(map);
      int n = input.readVarInt(true);
      for (int i = 0; i < n; i++) {
        int ordinal = input.readVarInt(true);
        if (ordinal >= constants.length) {
          throw new IllegalStateException(
              keyType.getName() + " has no constant with ordinal " + ordinal);
        }
        map.put((Enum) constants[ordinal], kryo.readClassAndObject(input));
      }
      return map;
    }
  }

  /**
   * A LinkedHashMap as its settings and entries in iteration order. Whether it is ordered by access
   * is not in its public API: the settings travel as the Java serialization of an empty copy.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class LinkedHashMapSerializer extends Serializer<LinkedHashMap> {
    private final JavaSerializer java = new JavaSerializer();

    /**
     * Holds the settings of an insertion-ordered map, computed at the first write of a map: Java
     * serialization's first use loads and links about 80 classes, which building a Kryo instance
     * should not pay for.
     */
    private static final class InsertionOrder {
      static final byte[] SETTINGS = JavaSerializer.bytes(new LinkedHashMap<>());

      private InsertionOrder() {}
    }

    @Override
    public void write(Kryo kryo, Output output, LinkedHashMap map) {
      LinkedHashMap shell = (LinkedHashMap) map.clone();
      shell.clear();
      byte[] settings = JavaSerializer.bytes(shell);
      if (Arrays.equals(settings, InsertionOrder.SETTINGS)) {
        output.writeVarInt(0, true);
      } else {
        output.writeVarInt(settings.length, true);
        output.writeBytes(settings);
      }
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry e = (Map.Entry) o;
        kryo.writeClassAndObject(output, e.getKey());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public LinkedHashMap read(Kryo kryo, Input input, Class<? extends LinkedHashMap> type) {
      int settings = input.readVarInt(true);
      LinkedHashMap map =
          settings == 0
              ? new LinkedHashMap<>()
              : (LinkedHashMap) java.readBytes(kryo, input.readBytes(settings), type);
      kryo.reference(map);
      int n = input.readVarInt(true);
      for (int i = 0; i < n; i++) {
        Object key = kryo.readClassAndObject(input);
        map.put(key, kryo.readClassAndObject(input));
      }
      return map;
    }
  }

  /**
   * A path of the default file system as its string, so a relative path stays relative; the policy
   * refuses paths of other file systems, which the reader may not have open.
   */
  static final class PathSerializer extends Serializer<Path> {
    PathSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Path path) {
      output.writeString(path.toString());
    }

    @Override
    public Path read(Kryo kryo, Input input, Class<? extends Path> type) {
      return Path.of(input.readString());
    }
  }

  /** A file as its path string. */
  static final class FileSerializer extends Serializer<File> {
    FileSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, File file) {
      output.writeString(file.getPath());
    }

    @Override
    public File read(Kryo kryo, Input input, Class<? extends File> type) {
      return new File(input.readString());
    }
  }

  /**
   * A map entry as its key and value, rebuilt by the entry class's own constructor. The class is
   * chosen by a constant rather than a function, so that building a Kryo instance links no lambda.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class EntrySerializer extends Serializer<Map.Entry> {
    static final int IMMUTABLE = 0;
    static final int MUTABLE = 1;
    static final int MAP_ENTRY = 2;

    private final int kind;

    EntrySerializer(int kind) {
      this.kind = kind;
    }

    @Override
    public void write(Kryo kryo, Output output, Map.Entry entry) {
      kryo.writeClassAndObject(output, entry.getKey());
      kryo.writeClassAndObject(output, entry.getValue());
    }

    @Override
    public Map.Entry read(Kryo kryo, Input input, Class<? extends Map.Entry> type) {
      @Nullable Object key = kryo.readClassAndObject(input);
      @Nullable Object value = kryo.readClassAndObject(input);
      switch (kind) {
        case IMMUTABLE:
          return new AbstractMap.SimpleImmutableEntry<>(key, value);
        case MUTABLE:
          return new AbstractMap.SimpleEntry<>(key, value);
        default:
          return Map.entry(key, value);
      }
    }
  }
}
