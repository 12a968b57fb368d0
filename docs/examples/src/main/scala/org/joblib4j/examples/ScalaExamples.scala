package org.joblib4j.examples

import scala.jdk.CollectionConverters._
import scala.util.Using

import org.joblib4j.{Parallel, ParallelConfig}
import org.joblib4j.Delayed.delayed

/** The Scala snippets of the guide's page on parallel for-loops, `docs/parallel.md`. */
object ScalaExamples {

  /** Square roots, a two-argument function and a scope, from Scala. */
  def loop(): (Seq[Double], Seq[String], Seq[Double]) = {
    // snippet:scala-loop
    // Scala lambdas become the Serializable* interfaces; give the types where Scala cannot infer
    val roots: Seq[Double] = new Parallel().nJobs(2)
      .run((0 until 10).map(i => delayed[Double, Double](x => math.sqrt(x), i.toDouble * i)).asJava)
      .asScala.toSeq

    val labels: Seq[String] = new Parallel().nJobs(2)
      .run((1 to 3).map(i => delayed[Int, String, String]((n, s) => s * n, i, "ab")).asJava)
      .asScala.toSeq                                        // "ab", "abab", "ababab"

    // joblib: with parallel_config(backend="threading", n_jobs=2): ...
    val inScope: Seq[Double] = Using.resource(ParallelConfig.backend("threading").nJobs(2).enter()) {
      _ => new Parallel().run(Seq(delayed(() => math.Pi)).asJava).asScala.toSeq
    }
    // end:scala-loop
    (roots, labels, inScope)
  }
}
