/**
 * The local backends: {@code threading}, a reusable pool of platform threads, and {@code
 * processes}, a reusable pool of worker JVMs.
 */
@NullMarked
package org.joblib4j.local;

import org.jspecify.annotations.NullMarked;
