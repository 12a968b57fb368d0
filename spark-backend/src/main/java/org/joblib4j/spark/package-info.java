/**
 * The {@code spark} backend: batches of delayed tasks run as Spark jobs on the active {@code
 * SparkContext} (the one {@code spark-submit} made) or on an embedded {@code local[*]} one, with
 * large arguments sent once per call as broadcast variables. Only {@link
 * org.joblib4j.spark.SparkBackendFactory} is public; programs select the backend by its name.
 */
@NullMarked
package org.joblib4j.spark;

import org.jspecify.annotations.NullMarked;
