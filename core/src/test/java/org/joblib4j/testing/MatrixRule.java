package org.joblib4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.joblib4j.testing.Observation.Outcome;
import org.joblib4j.testing.ValueMatrix.Case;
import org.joblib4j.testing.ValueMatrix.Expect;

/**
 * Asserts the rule of the {@link ValueMatrix} on one {@link Observation}: a value either comes back
 * equal, or is refused when it is written with a {@code SerializationException} that names the
 * refused class, says where it sits ({@code " at root.layer.weights"}, {@code " at arguments[0]"})
 * and gives a fix that is possible; never accepted and then unreadable.
 */
public final class MatrixRule {
  private static final Pattern IMPOSSIBLE_FIX =
      Pattern.compile("implements?\\s+(java\\.io\\.)?Serializable", Pattern.CASE_INSENSITIVE);

  private MatrixRule() {}

  /**
   * Asserts the rule for {@code c} on a path whose refusals name the place of a value from one of
   * {@code roots}, such as {@code root} for a dumped object or {@code arguments[0]} for a task's
   * argument.
   */
  public static void check(Case c, Observation o, List<String> roots) {
    assertThat(o.value()).isEqualTo(c.name());
    if (o.phase().equals("harness")) {
      fail("%s: the test harness failed: %s", where(o), o.detail());
    }
    if (c.expect() == Expect.ROUND_TRIP) {
      checkRoundTrip(o);
    } else {
      checkRefused(c, o, roots);
    }
  }

  private static String where(Observation o) {
    return o.path() + " / " + o.value();
  }

  private static void checkRoundTrip(Observation o) {
    switch (o.outcome()) {
      case EQUAL:
        return;
      case UNEQUAL:
        fail("%s: the value came back different: %s", where(o), o.detail());
        return;
      case RECOMPUTED:
        fail(
            "%s: the cache did not serve the stored value, it ran again: %s", where(o), o.detail());
        return;
      case THREW:
        if (o.atWrite()) {
          fail("%s: the value must round-trip, but %s failed: %s", where(o), o.phase(), o.detail());
        } else {
          fail(
              "%s: the value was accepted when written and then failed at %s: %s",
              where(o), o.phase(), o.detail());
        }
        return;
      default:
        throw new AssertionError(o.outcome());
    }
  }

  private static void checkRefused(Case c, Observation o, List<String> roots) {
    String wanted =
        "a SerializationException at write naming "
            + c.refusedClass()
            + " at "
            + String.join(" or ", roots.stream().map(r -> r + c.at()).toList());
    if (o.outcome() != Outcome.THREW) {
      fail(
          "%s: the value was accepted (%s%s); expected %s",
          where(o), o.outcome(), o.detail().isEmpty() ? "" : ": " + o.detail(), wanted);
    }
    if (!o.atWrite()) {
      fail(
          "%s: the value was accepted when written and then failed at %s: %s; expected %s",
          where(o), o.phase(), o.detail(), wanted);
    }
    if (o.refusal().isEmpty()) {
      fail("%s: %s failed without a SerializationException: %s", where(o), o.phase(), o.detail());
    }
    String message = o.refusal();
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(message)
        .as("%s: the refusal names the refused class", where(o))
        .contains(c.refusedClass());
    softly
        .assertThat(roots.stream().anyMatch(root -> message.contains(" at " + root + c.at())))
        .as(
            "%s: the refusal says where the value is, \" at %s%s\"; message: %s",
            where(o), String.join("\" or \" at ", roots), c.at(), message)
        .isTrue();
    if (c.refusesJdkClass()) {
      softly
          .assertThat(message)
          .as("%s: the fix for a JDK class is possible (not making it Serializable)", where(o))
          .doesNotContainPattern(IMPOSSIBLE_FIX);
    }
    if (!c.fix().isEmpty()) {
      softly
          .assertThat(message)
          .as("%s: the fix says to %s the value", where(o), c.fix())
          .containsIgnoringCase(c.fix());
    }
    softly.assertAll();
  }
}
