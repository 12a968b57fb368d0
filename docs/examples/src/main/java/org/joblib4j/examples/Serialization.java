package org.joblib4j.examples;

import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.spi.Serializer;

/** The snippets of the guide's section on serialization, in {@code docs/parallel.md}. */
public final class Serialization {
  private Serialization() {}

  /** A plain record: not {@code Serializable}, and Kryo sends it anyway. */
  public record Point(double x, double y) {}

  static Double norm(Point p) {
    return Math.hypot(p.x(), p.y());
  }

  /** Sends a task through the serializer worker JVMs and Spark executors use, and runs the copy. */
  public static Object roundTrip(Task<?> task) throws Exception {
    Serializer serializer = Serializer.current(); // Kryo, or Java with -Djoblib4j.serializer=java
    Task<?> copy = (Task<?>) serializer.fromBytes(serializer.toBytes(task));
    return copy.call();
  }

  /** What Kryo sends: plain classes and records too. */
  public static Object plainRecord() throws Exception {
    // snippet:kryo-record
    Task<Double> task = delayed(Serialization::norm, new Point(3, 4)); // Point is a plain record
    Object result = Serialization.roundTrip(task);                      // 5.0, after a round trip
    // end:kryo-record
    return result;
  }

  /** What cannot be sent, and the message that says so. Returns the messages. */
  public static List<String> cannotSend(Path file) throws IOException {
    // snippet:cannot-send
    Function<Integer, Integer> plusOne = x -> x + 1;           // a plain lambda: not serializable
    Task<Integer> capturesLambda = delayed(() -> plusOne.apply(1));

    var in = Files.newInputStream(file);                       // an open stream: not serializable
    Task<Integer> capturesStream = delayed(() -> in.read());

    String first = message(capturesLambda);
    // "Cannot serialize ...Serialization$$Lambda$... at function.captured[0]: it is a lambda or
    //  method reference of java.util.function.Function, which is not serializable. Declare it
    //  with one of the org.joblib4j.Serializable* interfaces (such as SerializableFunction) ..."
    String second = message(capturesStream);
    // "Cannot serialize sun.nio.ch.ChannelInputStream at function.captured[0]: it belongs to the
    //  running JVM (a thread, a stream, a channel, a pool or a loader) and cannot be copied.
    //  Create it inside the task, and pass what it is made from (a path, a URI, settings)."
    // end:cannot-send
    in.close();
    return List.of(first, second);
  }

  /** The fixes: a serializable function type, and values made inside the task. */
  public static List<Object> fixed(Path file) throws Exception {
    // snippet:fixed
    SerializableFunction<Integer, Integer> plusOne = x -> x + 1; // a Serializable* type
    Task<Integer> capturesLambda = delayed(() -> plusOne.apply(1));

    Task<Integer> opensInside = delayed(() -> {                  // send the path, open inside
      try (var in = Files.newInputStream(file)) {
        return in.read();
      }
    });
    // end:fixed
    return List.of(roundTrip(capturesLambda), roundTrip(opensInside));
  }

  private static String message(Task<?> task) {
    try {
      Serializer.current().toBytes(task);
      return "sent";
    } catch (SerializationException e) {
      return e.getMessage();
    }
  }
}
