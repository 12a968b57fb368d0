/**
 * How tasks, results and object graphs become bytes: Kryo 5 (its relocated {@code kryo5} artifact,
 * which never clashes with the Kryo that Spark brings), with Java serialization for the classes
 * Kryo cannot handle, and plain Java serialization everywhere with {@code
 * -Djoblib4j.serializer=java}.
 */
@NullMarked
package org.joblib4j.serial;

import org.jspecify.annotations.NullMarked;
