package org.joblib4j.persist;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Structural equality for test graphs: arrays by content, records by components. */
final class DeepEquals {
  private DeepEquals() {}

  static boolean deepEquals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.getClass() != b.getClass()) {
      return false;
    }
    if (a.getClass().isArray()) {
      return Objects.deepEquals(a, b);
    }
    if (a instanceof List<?> la) {
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return false;
      }
      Iterator<?> ib = lb.iterator();
      for (Object x : la) {
        if (!deepEquals(x, ib.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> ma) {
      Map<?, ?> mb = (Map<?, ?>) b;
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !deepEquals(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Set<?>) {
      return a.equals(b);
    }
    if (a.getClass().isRecord()) {
      try {
        for (RecordComponent c : a.getClass().getRecordComponents()) {
          c.getAccessor().setAccessible(true);
          if (!deepEquals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
            return false;
          }
        }
        return true;
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    return a.equals(b);
  }
}
