package org.joblib4j.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.joblib4j.Task;
import org.joblib4j.spi.LargeArgumentPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Cheap, shallow estimates of the heap that tasks and results hold, for the dispatcher's bound on
 * what a call keeps in flight. A primitive array, a buffer or a string counts its contents; a boxed
 * value its box; an array of objects or a collection its slots and a sample of its first elements;
 * any other object a fixed few dozen bytes, as its graph is not walked. The estimate is meant to be
 * right in order of magnitude for the tasks that fill a heap: many small ones, or fewer holding
 * large arrays.
 */
final class Footprint {
  /** A task object, its slot in a batch and its share of the batch's bookkeeping. */
  static final long TASK = 48;

  private static final long OBJECT = 32;
  private static final int SAMPLE = 4;

  private Footprint() {}

  /** Returns the estimated bytes {@code task} holds. */
  static long of(Task<?> task) {
    List<@Nullable Object> arguments = task.arguments();
    long bytes = TASK;
    for (int i = 0; i < arguments.size(); i++) {
      bytes += value(arguments.get(i), true);
    }
    return bytes;
  }

  /** Returns the estimated bytes of a result, with its slot in the batch's list. */
  static long ofResult(@Nullable Object value) {
    return 8 + value(value, true);
  }

  private static long value(@Nullable Object v, boolean sampleElements) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
      return 16;
    }
    if (v instanceof String s) {
      return 40 + s.length();
    }
    if (v instanceof Object[] array) {
      return 16 + 8L * array.length + sampled(array, sampleElements);
    }
    if (v instanceof Collection<?> c) {
      return 48 + 24L * c.size() + (sampleElements ? sampledCollection(c) : OBJECT * c.size());
    }
    if (v instanceof Map<?, ?> m) {
      return 64 + (48L + 2 * OBJECT) * m.size();
    }
    long known = LargeArgumentPolicy.knownSize(v);
    return known >= 0 ? 16 + known : OBJECT;
  }

  private static long sampled(Object[] array, boolean sampleElements) {
    int n = array.length;
    if (n == 0) {
      return 0;
    }
    if (!sampleElements) {
      return OBJECT * n;
    }
    int k = Math.min(SAMPLE, n);
    long sum = 0;
    for (int i = 0; i < k; i++) {
      sum += value(array[i], false);
    }
    return sum * n / k;
  }

  private static long sampledCollection(Collection<?> c) {
    int n = c.size();
    if (n == 0) {
      return 0;
    }
    int k = 0;
    long sum = 0;
    for (Object e : c) {
      sum += value(e, false);
      if (++k == SAMPLE) {
        break;
      }
    }
    return k == 0 ? 0 : sum * n / k;
  }
}
