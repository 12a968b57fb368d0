package org.joblib4j.serial;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.kryo5.util.Util;
import org.junit.jupiter.api.Test;

/** joblib4j's Kryo set-up as the JVM sees it. */
class JoblibKryoTest {

  /** sun.misc.Unsafe would make JDK 24 and later print a deprecation warning. */
  @Test
  void newKryo_doesNotTakeSunMiscUnsafe() {
    new JoblibKryo();

    assertThat(System.getProperty("kryo.unsafe")).isEqualTo("false");
    assertThat(Util.unsafe).as("kryo5 uses sun.misc.Unsafe").isFalse();
  }
}
