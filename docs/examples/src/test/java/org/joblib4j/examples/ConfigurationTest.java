package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigurationTest {
  @Test
  void precedence_scopeWinsOverSystemProperty() {
    assertThat(Configuration.precedence()).containsExactly(2, 3);
  }
}
