package org.joblib4j.internal;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import org.joblib4j.Task;

/**
 * An unmodifiable list over an array of tasks that nobody writes any more: the dispatcher hands
 * each batch's array over to it, so a {@link org.joblib4j.spi.TaskBatch} need not copy it again.
 * Serialized as a plain unmodifiable list. This class is immutable.
 */
public final class TaskList extends AbstractList<Task<?>> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;

  private final Task<?>[] tasks;

  /** Takes over {@code tasks}, which holds no null and which the caller never writes again. */
  public TaskList(Task<?>[] tasks) {
    this.tasks = tasks;
  }

  @Override
  public Task<?> get(int index) {
    return tasks[index];
  }

  @Override
  public int size() {
    return tasks.length;
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOf(tasks, tasks.length, Object[].class);
  }

  private Object writeReplace() throws ObjectStreamException {
    return List.of(tasks);
  }
}
