package org.joblib4j.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.RecordSerializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RecordComponentsSerializerTest {
  /** Components declared out of name order, of every kind the serializer branches on. */
  record Mixed(
      String zeta,
      int alpha,
      @Nullable Object middle,
      double @Nullable [] beta,
      List<String> gamma,
      long delta,
      @Nullable Nested nested) {}

  record Nested(@Nullable String label, boolean flag, char c) {}

  record Empty() {}

  private record Hidden(int b, int a) {
    private Hidden {}
  }

  record Throwing(int value) {
    @Override
    public int value() {
      throw new IllegalStateException("accessor failed");
    }
  }

  private static List<Object> samples() {
    Nested nested = new Nested("n", true, 'x');
    return List.of(
        new Mixed("z", 3, nested, new double[] {1, 2}, new ArrayList<>(List.of("a")), 9L, nested),
        new Mixed("", -1, null, null, List.of(), Long.MIN_VALUE, null),
        new Mixed("s", 0, Map.of("k", 1), new double[0], Arrays.asList("p", "q"), 0L, nested),
        new Empty(),
        new Hidden(2, 1),
        List.of(nested, nested, new Nested(null, false, '\0')));
  }

  /** A Kryo configured as joblib4j's, except that records take Kryo's own serializer. */
  private static Kryo kryosOwn() {
    JoblibKryo kryo = new JoblibKryo();
    kryo.addDefaultSerializer(Record.class, RecordSerializer.class);
    return kryo;
  }

  private static byte[] write(Kryo kryo, Object value) {
    Output out = new Output(256, -1);
    kryo.writeClassAndObject(out, value);
    kryo.reset();
    return out.toBytes();
  }

  private static Object read(Kryo kryo, byte[] bytes) {
    Object value = kryo.readClassAndObject(new Input(bytes));
    kryo.reset();
    return value;
  }

  @Test
  void joblibKryo_usesRecordComponentsSerializerForRecords() {
    assertThat(new JoblibKryo().getSerializer(Nested.class))
        .isInstanceOf(RecordComponentsSerializer.class);
    assertThat(kryosOwn().getSerializer(Nested.class)).isInstanceOf(RecordSerializer.class);
  }

  @Test
  void write_givesTheBytesOfKryosRecordSerializer() {
    Kryo ours = new JoblibKryo();
    Kryo kryos = kryosOwn();
    for (Object sample : samples()) {
      assertThat(write(ours, sample)).as("%s", sample).isEqualTo(write(kryos, sample));
    }
  }

  @Test
  void bytesOfEither_readBackEqualWithTheOther() {
    Kryo ours = new JoblibKryo();
    Kryo kryos = kryosOwn();
    for (Object sample : samples()) {
      Object viaOurs = read(ours, write(kryos, sample));
      Object viaKryos = read(kryos, write(ours, sample));
      assertThat(viaOurs).usingRecursiveComparison().isEqualTo(sample);
      assertThat(viaKryos).usingRecursiveComparison().isEqualTo(sample);
    }
  }

  @Test
  void read_keepsSharedReferencesShared() {
    Nested nested = new Nested("shared", true, 'c');
    Mixed value = new Mixed("z", 1, nested, null, List.of(), 2L, nested);
    Kryo kryo = new JoblibKryo();

    Mixed back = (Mixed) read(kryo, write(kryo, value));

    assertThat(back.middle()).isSameAs(back.nested());
  }

  @Test
  void write_accessorThrows_failsNamingTheComponentAsKryosDoes() {
    Throwing value = new Throwing(1);

    assertThatThrownBy(() -> write(new JoblibKryo(), value))
        .isInstanceOf(KryoException.class)
        .hasMessageContaining("value (int)")
        .hasMessageContaining("Could not retrieve record components")
        .hasRootCauseMessage("accessor failed");
  }
}
