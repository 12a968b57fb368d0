/**
 * Transparent disk caching of function results, after joblib's {@code Memory}.
 *
 * <p>{@link org.joblib4j.memory.Memory#cache} wraps a serializable function so that a call with
 * arguments seen before reads the result back from disk instead of computing it. The store is a
 * folder on a local disk or on any Hadoop file system:
 *
 * <pre>{@code
 * <location>/.gitignore
 * <location>/joblib4j/<function id>/func_code.txt           the function's code hash
 * <location>/joblib4j/<function id>/<argument hash>/output  the result, written by Joblib.dump
 * <location>/joblib4j/<function id>/<argument hash>/metadata.json
 * }</pre>
 *
 * <p>Every file is written under a unique temporary name and then renamed into place, so processes
 * and machines sharing one location never read a half-written entry. Storage is pluggable through
 * {@link org.joblib4j.memory.StoreBackend}.
 */
@NullMarked
package org.joblib4j.memory;

import org.jspecify.annotations.NullMarked;
