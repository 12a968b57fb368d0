/**
 * The worker side of the {@code processes} backend: the main class of a worker JVM and the frame
 * protocol it speaks with its parent over a Unix-domain socket. These types are public only
 * because the parent side lives in {@code org.joblib4j.local}; they are not an API.
 */
@NullMarked
package org.joblib4j.local.worker;

import org.jspecify.annotations.NullMarked;
