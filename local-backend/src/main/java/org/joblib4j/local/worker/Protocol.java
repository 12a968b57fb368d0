package org.joblib4j.local.worker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The frames a parent and a worker JVM exchange over the worker's standard streams. Not an API.
 *
 * <p>The worker first writes {@link #MAGIC}; every later message is a frame: a 4-byte big-endian
 * length {@code n}, then {@code n} bytes whose first byte is the frame type. The parent sends
 * {@link #BATCH} frames, one at a time per worker; the worker answers each with one {@link #RESULT}
 * or {@link #FAILURE} frame. Closing the worker's standard input asks it to exit.
 *
 * <pre>
 * END_CALL: long callId
 * BATCH:   long callId, UTF serializer, long firstIndex, UTF nestedBackend, int nestedNJobs,
 *          int nestedLevel, then the tasks (a Task[]) in the named serializer's format
 * RESULT:  the results (an Object[]) in the batch's serializer format
 * FAILURE: int offset, UTF class name, UTF message, int frames, per frame (UTF class, UTF method,
 *          UTF file, int line), int n, n bytes of the serialized exception (0 when it could not be
 *          serialized)
 * </pre>
 *
 * <p>This class is immutable.
 */
public final class Protocol {
  /** What a worker writes first, so the parent knows the channel starts here. */
  public static final byte[] MAGIC = "JOBLIB4J-WORKER-1\n".getBytes(StandardCharsets.US_ASCII);

  /** A batch of tasks to run, parent to worker. */
  public static final byte BATCH = 1;

  /**
   * The end of a call, parent to worker, with the call's id: the worker drops the large arguments
   * it read for that call. Not answered.
   */
  public static final byte END_CALL = 2;

  /** The results of a batch, worker to parent. */
  public static final byte RESULT = 10;

  /** The failure of a batch's task, worker to parent. */
  public static final byte FAILURE = 11;

  /** The largest frame either side accepts: 2 GiB less a little, the limit of a byte array. */
  public static final int MAX_FRAME = Integer.MAX_VALUE - 16;

  private Protocol() {}

  /** Writes one frame of {@code type} holding {@code payload[0, length)} and flushes. */
  public static void writeFrame(DataOutputStream out, byte type, byte[] payload, int length)
      throws IOException {
    if (length < 0 || length > MAX_FRAME - 1) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "A frame of %d bytes is larger than the %d bytes a frame can hold; split the work"
                  + " into smaller tasks or pass large values as arguments",
              length,
              MAX_FRAME - 1));
    }
    out.writeInt(length + 1);
    out.writeByte(type);
    out.write(payload, 0, length);
    out.flush();
  }

  /**
   * Reads one frame and returns its bytes, the type first; throws {@link EOFException} when the
   * stream ends before a frame starts.
   */
  public static byte[] readFrame(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > MAX_FRAME) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "Corrupt frame: length %d is outside [1, %d]; the other side wrote something that"
                  + " is not a frame to the channel",
              length,
              MAX_FRAME));
    }
    byte[] frame = new byte[length];
    in.readFully(frame);
    return frame;
  }

  /** Returns {@code s} cut to what {@link DataOutputStream#writeUTF} accepts. */
  public static String utf(String s) {
    return s.length() > 16_000 ? s.substring(0, 16_000) + "..." : s;
  }
}
