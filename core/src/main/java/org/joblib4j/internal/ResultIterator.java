package org.joblib4j.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The results of one call; closing it early cancels what still runs. */
public interface ResultIterator<R> extends Iterator<R>, AutoCloseable {
  @Override
  void close();

  /** Drains every result into a list, closing the iterator on failure. */
  default List<R> toList() {
    try {
      List<R> out = new ArrayList<>();
      while (hasNext()) {
        out.add(next());
      }
      return out;
    } finally {
      close();
    }
  }
}
