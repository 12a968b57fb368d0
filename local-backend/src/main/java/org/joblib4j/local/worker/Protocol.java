package org.joblib4j.local.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The frames a parent and a worker JVM exchange over a Unix-domain socket that only the two of
 * them hold. Not an API.
 *
 * <p>The parent binds a socket in a private folder and passes its path on the worker's command
 * line; the worker connects to it at start-up and writes {@link #MAGIC}. Every later message is a
 * frame: a 4-byte big-endian length {@code n}, then {@code n} bytes whose first byte is the frame
 * type. The parent sends {@link #BATCH} frames; the worker answers each with one {@link #RESULT} or
 * {@link #FAILURE} frame, in order, after any number of {@link #EARLY} frames. Shutting down the
 * parent's side of the socket asks the worker to exit. The worker's standard streams are not part
 * of the protocol: its standard input is empty, and what it writes to standard output and standard
 * error is output.
 *
 * <pre>
 * END_CALL: long callId
 * BATCH:   int from, int to (the tasks of the batch to run), long part (the parent's name for
 *          this part of the batch), long callId, UTF serializer, long firstIndex, UTF
 *          nestedBackend, int nestedNJobs, int nestedLevel, byte early (1: report results early),
 *          then the tasks (a Task[]) in the named serializer's format
 * SPLIT:   empty; asks the worker to give back work it has not started, answered by CUT
 * EARLY:   int offset, then the results (an Object[]) of the batch's tasks from offset on that
 *          have run, sent while the batch still runs when the BATCH frame asked for it
 * RESULT:  how long the tasks ran (8 bytes, nanoseconds), then the results (an Object[]) in the
 *          batch's serializer format that no EARLY frame carried, up to the part's end or its cut
 * CUT:     long part, int cut: the tasks from cut to the part's end will not run here (a part
 *          that had not started is given back whole and gets no other answer); cut -1 and part
 *          0 when the worker gives nothing back
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

  /** A request for unstarted work, parent to worker; answered by {@link #CUT}. */
  public static final byte SPLIT = 3;

  /** The results of a batch, worker to parent. */
  public static final byte RESULT = 10;

  /** The failure of a batch's task, worker to parent. */
  public static final byte FAILURE = 11;

  /** The results of a running batch's first tasks, worker to parent. */
  public static final byte EARLY = 12;

  /** The work a worker gives back after a {@link #SPLIT}, worker to parent. */
  public static final byte CUT = 13;

  /** The largest frame either side accepts: 2 GiB less a little, the limit of a byte array. */
  public static final int MAX_FRAME = Integer.MAX_VALUE - 16;

  /**
   * The largest frame read into an array of its announced length at once; a longer frame's array
   * grows as its bytes arrive, so a corrupt length costs memory in proportion to what was sent.
   */
  static final int EAGER_FRAME = 1 << 20;

  private static final int BUFFER = 1 << 16;

  private Protocol() {}

  /**
   * Returns a buffered stream that reads {@code channel}, which must be in blocking mode; closing
   * it closes the channel.
   */
  public static DataInputStream input(SocketChannel channel) {
    return new DataInputStream(new BufferedInputStream(new ChannelInput(channel), BUFFER));
  }

  /**
   * Returns a buffered stream that writes {@code channel}, which must be in blocking mode; closing
   * it closes the channel.
   */
  public static DataOutputStream output(SocketChannel channel) {
    return new DataOutputStream(new BufferedOutputStream(new ChannelOutput(channel), BUFFER));
  }

  /** Writes one frame of {@code type} holding {@code payload[0, length)} and flushes. */
  public static void writeFrame(DataOutputStream out, byte type, byte[] payload, int length)
      throws IOException {
    checkLength(length, 1);
    out.writeInt(length + 1);
    out.writeByte(type);
    out.write(payload, 0, length);
    out.flush();
  }

  /**
   * Writes a {@link #BATCH} frame for the tasks {@code from} to {@code to - 1} of the batch encoded
   * in {@code payload[0, length)}, naming it {@code part}, and flushes.
   */
  public static void writeBatch(
      DataOutputStream out, int from, int to, long part, byte[] payload, int length)
      throws IOException {
    checkLength(length, 17);
    out.writeInt(length + 17);
    out.writeByte(BATCH);
    out.writeInt(from);
    out.writeInt(to);
    out.writeLong(part);
    out.write(payload, 0, length);
    out.flush();
  }

  /** Refuses a payload of {@code length} bytes that, with its {@code header}, exceeds a frame. */
  private static void checkLength(int length, int header) throws IOException {
    if (length < 0 || length > MAX_FRAME - header) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "A frame of %d bytes is larger than the %d bytes a frame can hold; split the work"
                  + " into smaller tasks or pass large values as arguments",
              length,
              MAX_FRAME - header));
    }
  }

  /**
   * Reads one frame and returns its bytes, the type first. Throws {@link EOFException} when the
   * stream ends before a frame starts, and {@link MalformedFrameException} when what arrives is not
   * a frame: a length outside {@code [1, MAX_FRAME]}, or a stream that ends inside a frame.
   */
  public static byte[] readFrame(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > MAX_FRAME) {
      throw new MalformedFrameException(
          String.format(
              Locale.ROOT,
              "a frame length of %d (0x%08x) is outside [1, %d]",
              length,
              length,
              MAX_FRAME));
    }
    byte[] frame = new byte[Math.min(length, EAGER_FRAME)];
    int n = 0;
    while (n < length) {
      if (n == frame.length) {
        frame = Arrays.copyOf(frame, (int) Math.min(length, 2L * frame.length));
      }
      int read = in.read(frame, n, frame.length - n);
      if (read < 0) {
        throw new MalformedFrameException(
            String.format(
                Locale.ROOT, "the channel ended after %d of the %d bytes of a frame", n, length));
      }
      n += read;
    }
    return frame;
  }

  /** Returns {@code s} cut to what {@link DataOutputStream#writeUTF} accepts. */
  public static String utf(String s) {
    return s.length() > 16_000 ? s.substring(0, 16_000) + "..." : s;
  }

  /** Signals bytes on the channel that are not a frame of this protocol. */
  public static final class MalformedFrameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code detail} says what was wrong, such as the length read. */
    public MalformedFrameException(String detail) {
      super("Malformed frame: " + detail);
    }
  }

  /*
   * Design note. The streams below call the channel directly instead of going through
   * java.nio.channels.Channels: on Java 17 the streams Channels makes for a selectable channel hold
   * the channel's blocking lock while they read, so the parent's reader thread, always blocked in
   * a read, would stop every thread that writes a batch.
   */

  /** Reads a blocking socket channel. */
  private static final class ChannelInput extends InputStream {
    private final SocketChannel channel;

    ChannelInput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      int n;
      do {
        n = channel.read(buffer);
      } while (n == 0);
      return n;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Writes a blocking socket channel. */
  private static final class ChannelOutput extends OutputStream {
    private final SocketChannel channel;

    ChannelOutput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
