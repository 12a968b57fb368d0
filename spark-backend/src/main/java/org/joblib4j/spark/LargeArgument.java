package org.joblib4j.spark;

import java.io.Serializable;

/**
 * Stands in a task's arguments for a large argument sent as the broadcast variable {@code id};
 * executors replace it by the broadcast value before the task runs.
 *
 * @param id the broadcast variable's id
 * @param size the argument's serialized size in bytes, for messages
 */
record LargeArgument(long id, long size) implements Serializable {}
