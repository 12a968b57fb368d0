package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import org.joblib4j.internal.Lambdas;
import org.jspecify.annotations.Nullable;

/**
 * A serializable lambda or method reference as the fields of its {@link SerializedLambda}, its
 * captured values through Kryo, rebuilt by its capturing class's {@code $deserializeLambda$} as
 * Java serialization does. Unlike Kryo's closure serializer it needs no access to {@code
 * java.lang.invoke}, so it works on a JVM with no module options. A lambda of an interface that is
 * not serializable is refused. This class is immutable.
 */
final class LambdaSerializer extends Serializer<Object> {
  private static final ClassValue<Optional<Method>> DESERIALIZE =
      new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
          try {
            Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            m.setAccessible(true);
            return Optional.of(m);
          } catch (NoSuchMethodException | RuntimeException e) {
            return Optional.empty();
          }
        }
      };

  @Override
  public void write(Kryo kryo, Output output, Object lambda) {
    SerializedLambda sl =
        Lambdas.serializedForm(lambda)
            .orElseThrow(() -> new Refusal.Refused(null, lambda.getClass(), null));
    output.writeString(sl.getCapturingClass());
    output.writeString(sl.getFunctionalInterfaceClass());
    output.writeString(sl.getFunctionalInterfaceMethodName());
    output.writeString(sl.getFunctionalInterfaceMethodSignature());
    output.writeVarInt(sl.getImplMethodKind(), true);
    output.writeString(sl.getImplClass());
    output.writeString(sl.getImplMethodName());
    output.writeString(sl.getImplMethodSignature());
    output.writeString(sl.getInstantiatedMethodType());
    output.writeVarInt(sl.getCapturedArgCount(), true);
    for (int i = 0; i < sl.getCapturedArgCount(); i++) {
      kryo.writeClassAndObject(output, sl.getCapturedArg(i));
    }
  }

  @Override
  public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
    String capturing = input.readString();
    String iface = input.readString();
    String ifaceMethod = input.readString();
    String ifaceSignature = input.readString();
    int implKind = input.readVarInt(true);
    String implClass = input.readString();
    String implMethod = input.readString();
    String implSignature = input.readString();
    String instantiated = input.readString();
    int n = input.readVarInt(true);
    if (n < 0 || n > 255) {
      throw new KryoException("A lambda claims " + n + " captured values");
    }
    @Nullable Object[] captured = new Object[n];
    for (int i = 0; i < n; i++) {
      captured[i] = kryo.readClassAndObject(input);
    }
    Class<?> capturingClass;
    try {
      capturingClass = Class.forName(capturing.replace('/', '.'), false, kryo.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new KryoException(
          "Class not found: "
              + e.getMessage()
              + " (the class whose lambda "
              + implMethod
              + " was written)",
          e);
    }
    if (kryo instanceof JoblibKryo j && j.filtersClasses()) {
      j.checkClass(capturingClass);
    }
    SerializedLambda sl =
        new SerializedLambda(
            capturingClass,
            iface,
            ifaceMethod,
            ifaceSignature,
            implKind,
            implClass,
            implMethod,
            implSignature,
            instantiated,
            captured);
    Method deserialize =
        DESERIALIZE
            .get(capturingClass)
            .orElseThrow(
                () ->
                    new KryoException(
                        capturingClass.getName()
                            + " has no $deserializeLambda$ method to rebuild its lambda "
                            + implMethod));
    try {
      return deserialize.invoke(null, sl);
    } catch (IllegalAccessException e) {
      throw new KryoException("Could not rebuild lambda " + implMethod + ": " + e, e);
    } catch (InvocationTargetException e) {
      throw new KryoException(
          "Could not rebuild lambda "
              + implMethod
              + " of "
              + capturingClass.getName()
              + ": "
              + e.getCause(),
          e.getCause());
    }
  }
}
