package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** joblib's eval_expr cases (test_utils.py). */
class PreDispatchTest {
  @Test
  void eval_joblibValidExpressions_giveJoblibValues() {
    assertThat(PreDispatch.eval("2*6")).isEqualTo(12);
    assertThat(PreDispatch.eval("2**6")).isEqualTo(64);
    assertThat(PreDispatch.eval("1 + 2*3**(4) / (6 + -7)")).isEqualTo(-161.0);
    assertThat(PreDispatch.eval("(20 // 3) % 5")).isEqualTo(1);
    assertThat(PreDispatch.eval("-7 // 2")).isEqualTo(-4);
    assertThat(PreDispatch.eval("-7 % 3")).isEqualTo(2);
  }

  @Test
  void tasks_nJobsExpression_substitutesEffectiveNJobs() {
    assertThat(PreDispatch.tasks("2*n_jobs", 3)).isEqualTo(6);
    assertThat(PreDispatch.tasks("2 * n_jobs", 4)).isEqualTo(8);
    assertThat(PreDispatch.tasks("n_jobs", 5)).isEqualTo(5);
    assertThat(PreDispatch.tasks("10", 2)).isEqualTo(10);
    assertThat(PreDispatch.tasks("all", 2)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void validate_malformedExpressions_failSayingWhatIsAllowed() {
    assertThatThrownBy(() -> PreDispatch.validate("1^1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'1^1' is not a valid or supported arithmetic expression");
    assertThatThrownBy(() -> PreDispatch.validate("import os"))
        .hasMessageContaining("is not a valid or supported arithmetic expression");
    assertThatThrownBy(() -> PreDispatch.validate("1e7"))
        .hasMessageContaining("Numeric literal 1e7 is too large, max is 1000000.");
    assertThatThrownBy(() -> PreDispatch.validate("10**7")).hasMessageContaining("too large");
    assertThatThrownBy(() -> PreDispatch.validate("9**9**9")).hasMessageContaining("too large");
    assertThatThrownBy(() -> PreDispatch.validate("1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1"))
        .hasMessageContaining("is too long. Max length is 30, got 31.");
    assertThatThrownBy(() -> PreDispatch.validate("1/0")).hasMessageContaining("Division by zero");
    assertThatThrownBy(() -> PreDispatch.validate("0")).hasMessageContaining("at least 1 task");
  }
}
