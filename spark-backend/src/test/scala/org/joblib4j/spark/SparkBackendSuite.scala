package org.joblib4j.spark

import scala.jdk.CollectionConverters._
import scala.util.Using

import org.joblib4j.{Parallel, ParallelConfig, SerializableFunction, TaskFailedException}
import org.joblib4j.Delayed.delayed
import org.scalatest.funsuite.AnyFunSuite

/** The spark backend driven from Scala, as a Scala program would use it, on local[2]. */
class SparkBackendSuite extends AnyFunSuite {

  test("Scala functions run as Spark tasks and their results come back in input order") {
    val square: SerializableFunction[Int, Int] = x => x * x
    val tasks = (0 until 50).map(i => delayed(square, i))

    val squares = new Parallel().backend("spark").nJobs(2).run(tasks.asJava).asScala

    assert(squares == (0 until 50).map(i => i * i))
  }

  test("the guide's Scala snippet runs on the default number of jobs") {
    // snippet:scala
    val square: SerializableFunction[Int, Int] = x => x * x
    val tasks = (0 until 50).map(i => delayed(square, i))
    val squares = new Parallel().backend("spark").run(tasks.asJava).asScala
    val pairs = (1 to 10).map(i => delayed[Int, String, (String, Int)]((a, b) => (b, a), i, s"n$i"))
    // end:scala

    assert(squares == (0 until 50).map(i => i * i))
    assert(new Parallel().backend("spark").run(pairs.asJava).asScala.last == (("n10", 10)))
  }

  test("a Scala function with two arguments and a case class result") {
    val tasks =
      (1 to 10).map(i => delayed[Int, String, Labelled]((a, b) => Labelled(b, a * 10), i, s"n$i"))

    val labelled = new Parallel().backend("spark").nJobs(2).run(tasks.asJava).asScala

    assert(labelled.head == Labelled("n1", 10))
    assert(labelled.last == Labelled("n10", 100))
  }

  test("a Scala exception thrown in a task reaches the caller as its own type") {
    val tasks = (0 until 10).map { i =>
      delayed[Int, Int](x => if (x == 3) throw BadRow(s"row $x") else x, i)
    }

    val e = intercept[TaskFailedException] {
      new Parallel().backend("spark").nJobs(2).run(tasks.asJava)
    }

    assert(e.getCause == BadRow("row 3"))
  }

  test("a ParallelConfig scope moves library code that names no backend to Spark") {
    val backendInside = Using.resource(ParallelConfig.backend("spark").nJobs(2).enter()) { _ =>
      new Parallel()
        .run(Seq(delayed(() => Option(org.apache.spark.TaskContext.get()).isDefined)).asJava)
        .asScala
    }

    assert(backendInside == Seq(true))
  }
}

/** A result type. */
case class Labelled(name: String, value: Int)

/** A task's own exception type. */
case class BadRow(row: String) extends RuntimeException(row)
