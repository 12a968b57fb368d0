/**
 * Content hashing behind {@link org.joblib4j.Joblib#hash}: a 128-bit XXH3 digest of a canonical
 * encoding of a value graph. See {@link org.joblib4j.hash.ContentHash} for the rules.
 */
@NullMarked
package org.joblib4j.hash;

import org.jspecify.annotations.NullMarked;
