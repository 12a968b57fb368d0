package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.DefaultSerializer;
import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoSerializable;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.objenesis.strategy.StdInstantiatorStrategy;
import com.esotericsoftware.kryo.kryo5.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.FieldSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.RecordSerializer;
import com.esotericsoftware.kryo.kryo5.util.DefaultInstantiatorStrategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.joblib4j.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * The one Kryo set-up of joblib4j, used for tasks, results, large arguments, Memory entries and
 * dump files: references on, no registration, and a {@link ValuePolicy} that gives every class a
 * serializer that is faithful on a JVM with no module options, or refuses it when it is written.
 * Not an API: public only for joblib4j's persistence package. Not thread-safe, as Kryo itself is
 * not: instances come from pools.
 */
public class JoblibKryo extends Kryo {
  /* Design note: kryo5 takes sun.misc.Unsafe when it can (its UnsafeUtil calls arrayBaseOffset),
   * and from JDK 24 on that first call makes the JVM print a deprecation warning, in the program
   * and in every worker JVM, that only a JVM option silences. Unsafe is only a faster way for
   * Kryo's FieldSerializer to read and write fields: with kryo.unsafe=false it uses ReflectASM or
   * reflection instead, and writes the same bytes. Kryo reads the property once, when its Util
   * class initializes, which first happens in Kryo's constructor: after this initializer, which
   * the JVM runs before the first JoblibKryo is built. Only kryo5 reads it (Spark's Kryo 4 does
   * not), and a value the program set itself is kept. */
  static {
    if (System.getProperty("kryo.unsafe") == null) {
      System.setProperty("kryo.unsafe", "false");
    }
  }

  private final JavaSerializer java = new JavaSerializer();

  /**
   * Types that joblib4j's own code gave a serializer after construction (a batch's task list,
   * buffers, out-of-band arrays): those serializers win over the policy. Null while Kryo's own
   * constructor registers its defaults.
   */
  private @Nullable List<Class<?>> ownDefaults;

  /** Creates a Kryo configured for joblib4j. */
  public JoblibKryo() {
    setRegistrationRequired(false);
    setReferences(true);
    setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    register(ClosureSerializer.Closure.class, new LambdaSerializer());
    JdkSerializers.register(this);
    ownDefaults = new ArrayList<>();
  }

  /**
   * Adds a default serializer class; Kryo's own constructor adds its record serializer here, which
   * is replaced, at the same place in the list, by {@link RecordComponentsSerializer}.
   */
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public void addDefaultSerializer(Class type, Class<? extends Serializer> serializerClass) {
    if (ownDefaults == null && serializerClass == RecordSerializer.class) {
      super.addDefaultSerializer(type, new RecordFactory());
      return;
    }
    super.addDefaultSerializer(type, serializerClass);
  }

  /** Makes a {@link RecordComponentsSerializer} for each record class. */
  @SuppressWarnings("rawtypes")
  private static final class RecordFactory
      extends SerializerFactory.BaseSerializerFactory<Serializer> {
    @Override
    @SuppressWarnings("unchecked")
    public Serializer newSerializer(Kryo kryo, Class type) {
      return new RecordComponentsSerializer<>(type);
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void addDefaultSerializer(Class type, Serializer serializer) {
    super.addDefaultSerializer(type, serializer);
    if (ownDefaults != null) {
      ownDefaults.add(type);
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void addDefaultSerializer(Class type, SerializerFactory factory) {
    super.addDefaultSerializer(type, factory);
    if (ownDefaults != null) {
      ownDefaults.add(type);
    }
  }

  /**
   * Returns the serializer {@link ValuePolicy} gives {@code type}; throws when it cannot travel.
   */
  @Override
  @SuppressWarnings("rawtypes")
  public Serializer getDefaultSerializer(Class type) {
    if (filtersClasses()) {
      checkClass(type);
    }
    List<Class<?>> own = ownDefaults;
    if (own != null) {
      for (Class<?> t : own) {
        if (t.isAssignableFrom(type) && ValuePolicy.isJdk(t) == ValuePolicy.isJdk(type)) {
          return super.getDefaultSerializer(type);
        }
      }
    }
    ValuePolicy.Verdict v = ValuePolicy.verdict(type);
    switch (v.kind()) {
      case KRYO:
        return super.getDefaultSerializer(type);
      case FIELDS:
        return new FieldSerializer<>(this, type);
      case JAVA:
        return java;
      default:
        throw new Refusal.Refused(null, type, null);
    }
  }

  /**
   * Returns whether an instance of {@code type}, a class of the program's own, is written by Kryo's
   * field serializer: its fields in name order. False where it may be written otherwise (Java
   * serialization, a Kryo serializer of its own, or Kryo's collection serializer), and for records
   * and enums. Not an API: for the persistence package, which predicts the order of large arrays in
   * a graph before a Kryo instance exists.
   */
  public static boolean writesFields(Class<?> type) {
    if (type.isArray() || type.isRecord() || type.isEnum() || ValuePolicy.isJdk(type)) {
      return false;
    }
    if (KryoSerializable.class.isAssignableFrom(type)
        || type.isAnnotationPresent(DefaultSerializer.class)) {
      return false;
    }
    ValuePolicy.Verdict v = ValuePolicy.verdict(type);
    if (v.kind() == ValuePolicy.Kind.FIELDS) {
      return true;
    }
    return v.kind() == ValuePolicy.Kind.KRYO
        && !Collection.class.isAssignableFrom(type)
        && !Map.class.isAssignableFrom(type)
        && !Enum.class.isAssignableFrom(type);
  }

  /**
   * Returns the exception for a write of {@code root} that failed with {@code failure}: for a part
   * that cannot travel, a message that names its class, its place under {@code rootName} and a fix.
   */
  public static SerializationException explain(
      @Nullable Object root, String rootName, RuntimeException failure) {
    return Refusal.explain(root, rootName, failure, false);
  }

  /**
   * Returns whether this instance checks the classes a stream names with {@link #checkClass}; false
   * unless a subclass filters.
   */
  protected boolean filtersClasses() {
    return false;
  }

  /**
   * Checks a class that the stream being read names, before any instance of it is made or its
   * static initialiser runs; throws to refuse it. Called for every class Kryo reads, every class
   * inside a Java-serialized part, and the capturing class of every lambda, when {@link
   * #filtersClasses} is true. Does nothing here.
   */
  protected void checkClass(Class<?> type) {}

  @Override
  public @Nullable Registration readClass(Input input) {
    Registration r = super.readClass(input);
    if (r != null && filtersClasses()) {
      checkClass(r.getType());
    }
    return r;
  }

  /*
   * A field whose declared type is final (a record, an enum, a final class) is read without its
   * class in the stream, so readClass never sees it: these four are where such values are read,
   * and building a serializer (which for an enum initialises the class) is where a new type is
   * met first. Both check the class before anything of it is made.
   */

  @Override
  public <T> T readObject(Input input, Class<T> type) {
    if (filtersClasses()) {
      checkClass(type);
    }
    return super.readObject(input, type);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
    if (filtersClasses()) {
      checkClass(type);
    }
    return super.readObject(input, type, serializer);
  }

  @Override
  public <T> @Nullable T readObjectOrNull(Input input, Class<T> type) {
    if (filtersClasses()) {
      checkClass(type);
    }
    return super.readObjectOrNull(input, type);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> @Nullable T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
    if (filtersClasses()) {
      checkClass(type);
    }
    return super.readObjectOrNull(input, type, serializer);
  }

  @Override
  public <T> T newInstance(Class<T> type) {
    if (filtersClasses()) {
      checkClass(type);
    }
    return super.newInstance(type);
  }
}
