package org.joblib4j.persist;

import static org.joblib4j.persist.Format.ALIGNMENT;
import static org.joblib4j.persist.Format.CHUNK;
import static org.joblib4j.persist.Format.FRAME_HEADER_SIZE;
import static org.joblib4j.persist.Format.HEADER_SIZE;
import static org.joblib4j.persist.Format.TRAILER_SIZE;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.joblib4j.internal.Buffers;
import org.jspecify.annotations.Nullable;

/**
 * Writes the frames of a body (see the package documentation) to a {@link Sink}, in order, or
 * following an {@link AheadPlan} whose arrays were written before the graph.
 */
final class FrameWriter {
  /*
   * Design note: with a plan, the payloads of the plan's arrays are written first, at the offsets
   * the plan gives (writeAhead), while the graph is not known yet; each array frame's header and
   * the graph before it are written when the graph reaches the array. The graph bytes since the
   * last frame are held back (pending) until then, because the space the plan left before the
   * array is filled with empty graph frames, which a reader skips, and these must come before the
   * graph frame that ends with the array's marker. The graph reaching an array other than the
   * plan's next one, or holding more than the space left for it, ends the plan: from there the
   * body is written in order over what was written ahead, and cut after its end frame.
   */

  private static final byte[] ZEROS = new byte[ALIGNMENT];

  /** The bytes of a frame without payload: its header and a trailer of the empty checksum. */
  private static final int EMPTY_FRAME = FRAME_HEADER_SIZE + TRAILER_SIZE;

  private final Sink sink;
  private final ByteBuffer head =
      ByteBuffer.allocate(FRAME_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private @Nullable ByteBuffer chunk;
  private long position;

  /** The plan being followed, or null when writing in order. */
  private @Nullable AheadPlan plan;

  /** Whether a plan was given: bytes written ahead may lie past the end until it is cut. */
  private final boolean planned;

  /** The next slot of the plan the graph should reach. */
  private int next;

  /** The next slot to write ahead. */
  private int ahead;

  /** Graph bytes held back while following the plan. */
  private byte[] pending = new byte[0];

  private int pendingLength;

  FrameWriter(Sink sink) {
    this(sink, null);
  }

  /** Creates a writer following {@code plan}, which needs a positional sink, or in order. */
  FrameWriter(Sink sink, @Nullable AheadPlan plan) {
    if (plan != null && !sink.positional()) {
      throw new IllegalArgumentException("a plan needs a sink written at offsets");
    }
    this.sink = sink;
    this.plan = plan != null && plan.size() > 0 ? plan : null;
    this.planned = this.plan != null;
  }

  /**
   * Writes one chunk of the plan's next array payload ahead of the graph; returns false when every
   * payload of the plan has been written or there is no plan.
   */
  boolean writeAhead() {
    AheadPlan p = plan;
    if (p == null || ahead >= p.size()) {
      return false;
    }
    AheadPlan.Slot s = p.slot(ahead);
    int size = Format.size(s.type);
    int n = Math.min(CHUNK / size, s.count - s.done);
    ByteBuffer c = chunk();
    c.clear();
    Format.put(c, s.type, s.array, s.done, n);
    c.flip();
    s.crc.update(c);
    c.flip();
    sink.write(c, s.payload + (long) s.done * size);
    s.done += n;
    if (s.done == s.count) {
      ahead++;
    }
    return ahead < p.size();
  }

  /** Writes graph bytes as one or more graph frames. */
  void graph(byte[] b, int off, int len) {
    AheadPlan p = plan;
    if (p != null) {
      if ((long) pendingLength + len <= room(p.slot(next))) {
        if (pendingLength + len > pending.length) {
          pending = Arrays.copyOf(pending, Math.max(pendingLength + len, 2 * pending.length));
        }
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
        return;
      }
      leavePlan();
    }
    graphFrames(b, off, len);
  }

  private void graphFrames(byte[] b, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, Format.MAX_GRAPH_FRAME);
      header(Format.KIND_GRAPH, 0, 0, n);
      crc.reset();
      crc.update(b, off, n);
      write(ByteBuffer.wrap(b, off, n));
      trailer();
      off += n;
      len -= n;
    }
  }

  /** Writes the whole of a primitive array as an aligned array frame. */
  void array(int type, Object array) {
    AheadPlan p = plan;
    if (p != null) {
      AheadPlan.Slot s = p.slot(next);
      if (s.array == array && s.type == type) {
        place(s);
        if (++next == p.size()) {
          plan = null;
        }
        return;
      }
      leavePlan();
    }
    int length = Format.arrayLength(array);
    int size = Format.size(type);
    alignedHeader(type, (long) length * size);
    crc.reset();
    ByteBuffer c = chunk();
    int perChunk = CHUNK / size;
    for (int from = 0; from < length; from += perChunk) {
      int n = Math.min(perChunk, length - from);
      c.clear();
      Format.put(c, type, array, from, n);
      c.flip();
      crc.update(c);
      c.flip();
      write(c);
    }
    trailer();
  }

  /** Writes the remaining elements of a buffer as an aligned array frame. */
  void buffer(int typeAndFlags, Buffer buffer) {
    leavePlan();
    int type = typeAndFlags & Format.TYPE_MASK;
    int size = Format.size(type);
    int start = buffer.position();
    int length = buffer.remaining();
    alignedHeader(typeAndFlags, (long) length * size);
    crc.reset();
    if (buffer instanceof ByteBuffer bb) {
      ByteBuffer d = bb.duplicate();
      crc.update(d);
      d.position(start);
      write(d);
    } else {
      ByteBuffer c = chunk();
      int perChunk = CHUNK / size;
      for (int from = 0; from < length; from += perChunk) {
        int n = Math.min(perChunk, length - from);
        c.clear();
        Buffers.put(c, buffer, start + from, n);
        c.flip();
        crc.update(c);
        c.flip();
        write(c);
      }
    }
    trailer();
  }

  /** Writes the end frame; after a plan, cuts off whatever was written ahead past it. */
  void end() {
    leavePlan();
    header(Format.KIND_END, 0, 0, 0);
    crc.reset();
    trailer();
    if (planned) {
      sink.truncate(position);
    }
  }

  /**
   * Returns how many graph bytes fit before {@code s}: its space less one graph frame's header and
   * trailer and the array frame's header.
   */
  private long room(AheadPlan.Slot s) {
    return Math.min(Format.MAX_GRAPH_FRAME, s.payload - position - EMPTY_FRAME - FRAME_HEADER_SIZE);
  }

  /**
   * Writes the space before slot {@code s}: empty graph frames, the pending graph bytes as one
   * graph frame, and the array frame's header with the padding that ends at the payload; then the
   * payload that was not written ahead, and the trailer.
   */
  private void place(AheadPlan.Slot s) {
    long spare = s.payload - position - EMPTY_FRAME - pendingLength - FRAME_HEADER_SIZE;
    // The padding takes up to 63 bytes of the spare room, empty frames of 20 bytes the rest.
    long empties =
        spare <= ALIGNMENT - 1 ? 0 : (spare - (ALIGNMENT - 1) + EMPTY_FRAME - 1) / EMPTY_FRAME;
    int pad = (int) (spare - empties * EMPTY_FRAME);
    ByteBuffer space =
        ByteBuffer.allocate((int) (s.payload - position)).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < empties; i++) {
      putHeader(space, Format.KIND_GRAPH, 0, 0, 0);
      space.putInt(0);
    }
    putHeader(space, Format.KIND_GRAPH, 0, 0, pendingLength);
    space.put(pending, 0, pendingLength);
    crc.reset();
    crc.update(pending, 0, pendingLength);
    space.putInt((int) crc.getValue());
    putHeader(space, Format.KIND_ARRAY, s.type, pad, s.bytes);
    space.position(space.position() + pad);
    space.flip();
    write(space);
    pendingLength = 0;
    int size = Format.size(s.type);
    if (s.done < s.count) {
      ByteBuffer c = chunk();
      int perChunk = CHUNK / size;
      position = s.payload + (long) s.done * size;
      for (int from = s.done; from < s.count; from += perChunk) {
        int n = Math.min(perChunk, s.count - from);
        c.clear();
        Format.put(c, s.type, s.array, from, n);
        c.flip();
        s.crc.update(c);
        c.flip();
        write(c);
      }
      s.done = s.count;
    }
    position = s.payload + s.bytes;
    tail.clear();
    tail.putInt((int) s.crc.getValue());
    tail.flip();
    write(tail);
  }

  /** Stops following the plan: the graph held back is written, and from here all is in order. */
  private void leavePlan() {
    if (plan == null) {
      return;
    }
    plan = null;
    int n = pendingLength;
    pendingLength = 0;
    graphFrames(pending, 0, n);
  }

  private void alignedHeader(int element, long length) {
    long payloadStart = HEADER_SIZE + position + FRAME_HEADER_SIZE;
    int pad = (int) (-payloadStart & (ALIGNMENT - 1));
    header(Format.KIND_ARRAY, element, pad, length);
    if (pad > 0) {
      write(ByteBuffer.wrap(ZEROS, 0, pad));
    }
  }

  private void header(byte kind, int element, int pad, long length) {
    head.clear();
    putHeader(head, kind, element, pad, length);
    head.flip();
    write(head);
  }

  private static void putHeader(ByteBuffer b, byte kind, int element, int pad, long length) {
    int start = b.position();
    b.put(kind).put((byte) element).putShort((short) pad).putLong(length);
    b.putInt(Format.crc(b.array(), start, 12));
  }

  private void trailer() {
    tail.clear();
    tail.putInt((int) crc.getValue());
    tail.flip();
    write(tail);
  }

  private void write(ByteBuffer b) {
    long at = position;
    position += b.remaining();
    sink.write(b, at);
  }

  /** Gives the chunk buffer back for reuse by the next dump or load on this thread. */
  void close() {
    Format.release(chunk);
    chunk = null;
  }

  private ByteBuffer chunk() {
    ByteBuffer c = chunk;
    if (c == null) {
      c = Format.takeChunk(sink.prefersDirect());
      chunk = c;
    }
    return c;
  }
}
