package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class ScalaExamplesTest {
  @Test
  void loop_scalaLambdasRunAsTasks() {
    var result = ScalaExamples.loop();
    assertThat(CollectionConverters.asJava(result._1()))
        .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assertThat(CollectionConverters.asJava(result._2())).containsExactly("ab", "abab", "ababab");
    assertThat(CollectionConverters.asJava(result._3())).containsExactly(Math.PI);
  }
}
