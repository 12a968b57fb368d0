/**
 * The user guide's code, compiled and run by the build: each guide page's snippets are methods of
 * one class here, and {@link org.joblib4j.examples.Demo} runs joblib's own examples on every
 * backend.
 */
@NullMarked
package org.joblib4j.examples;

import org.jspecify.annotations.NullMarked;
