package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.Joblib;
import org.joblib4j.SerializableFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassFilterTest {
  static final AtomicInteger CREATED = new AtomicInteger();

  @TempDir Path dir;

  /** A class whose construction is observable. */
  static final class Gadget {
    String command = "rm -rf /";

    Gadget() {
      CREATED.incrementAndGet();
    }
  }

  /** Customises Java serialization, so it is written with Java serialization inside the file. */
  static final class Envelope implements Serializable {
    private static final long serialVersionUID = 1L;
    Object payload;

    Envelope(Object payload) {
      this.payload = payload;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
    }
  }

  /** Serializable payload whose construction is observable through Java serialization. */
  static final class Marker implements Serializable {
    private static final long serialVersionUID = 1L;
    int value = 5;
  }

  @Test
  void load_classOutsideAllowList_isRefusedBeforeAnyInstanceExists() {
    Path file = dir.resolve("gadget.bin");
    List<Object> value = new ArrayList<>(List.of("x", new Gadget()));
    Joblib.dump(value, file);
    int before = CREATED.get();
    assertThatThrownBy(() -> Joblib.load(file, Object.class, LoadOptions.allow(ArrayList.class)))
        .isInstanceOf(DisallowedClassException.class)
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining(file.toString());
    assertThat(CREATED.get()).isEqualTo(before);
  }

  /** A record whose canonical constructor is observable. */
  record Rec(String command) {
    Rec {
      CREATED.incrementAndGet();
    }
  }

  /** An allowed class whose fields are of a record type, so the file never names the record. */
  static final class Outer {
    final Rec rec;
    final Rec[] recs;

    Outer(Rec rec, Rec[] recs) {
      this.rec = rec;
      this.recs = recs;
    }
  }

  @Test
  void load_recordInAFieldOfAnAllowedClass_isRefusedBeforeItsConstructorRuns() {
    Path file = dir.resolve("outer.bin");
    Joblib.dump(new Outer(new Rec("x"), new Rec[] {new Rec("y")}), file);
    int before = CREATED.get();
    assertThatThrownBy(() -> Joblib.load(file, Outer.class, LoadOptions.allow(Outer.class)))
        .isInstanceOf(DisallowedClassException.class)
        .hasMessageContaining(Rec.class.getName());
    assertThat(CREATED.get()).isEqualTo(before);
    Outer back = Joblib.load(file, Outer.class, LoadOptions.allow(Outer.class, Rec.class));
    assertThat(back.rec.command()).isEqualTo("x");
    assertThat(back.recs[0].command()).isEqualTo("y");
  }

  @Test
  void load_rootClassOutsideAllowList_isRefused() {
    Path file = dir.resolve("root.bin");
    Joblib.dump(new Gadget(), file);
    int before = CREATED.get();
    assertThatThrownBy(() -> Joblib.load(file, Object.class, LoadOptions.allow(String.class)))
        .isInstanceOf(DisallowedClassException.class)
        .extracting(e -> ((DisallowedClassException) e).className())
        .isEqualTo(Gadget.class.getName());
    assertThat(CREATED.get()).isEqualTo(before);
  }

  @Test
  void load_classInsideJavaSerializedValue_isRefused() {
    Path file = dir.resolve("envelope.bin");
    Joblib.dump(new Envelope(new Marker()), file);
    assertThatThrownBy(() -> Joblib.load(file, Envelope.class, LoadOptions.allow(Envelope.class)))
        .isInstanceOf(DisallowedClassException.class)
        .hasMessageContaining(Marker.class.getName());
    Envelope ok =
        Joblib.load(file, Envelope.class, LoadOptions.allow(Envelope.class, Marker.class));
    assertThat(((Marker) ok.payload).value).isEqualTo(5);
  }

  @Test
  void load_lambdaWithoutSerializedLambdaAllowed_isRefused() {
    Path file = dir.resolve("lambda.bin");
    SerializableFunction<Integer, Integer> f = x -> x * 2;
    Joblib.dump(f, file);
    assertThatThrownBy(() -> Joblib.load(file, Object.class, LoadOptions.allow(String.class)))
        .isInstanceOf(DisallowedClassException.class)
        .hasMessageContaining("SerializedLambda");
    @SuppressWarnings("unchecked")
    SerializableFunction<Integer, Integer> back = Joblib.load(file, SerializableFunction.class);
    assertThat(back.apply(21)).isEqualTo(42);
  }

  @Test
  void load_allowedClasses_loadsAndPlainDataIsAlwaysAllowed() {
    Path file = dir.resolve("ok.bin");
    List<Object> value = new ArrayList<>(List.of("x", 1, 2.5, new double[20_000], new int[3]));
    Joblib.dump(value, file);
    List<?> back = Joblib.load(file, List.class, LoadOptions.allow(ArrayList.class));
    assertThat(back).hasSize(5);
    assertThat(back.get(0)).isEqualTo("x");
  }
}
