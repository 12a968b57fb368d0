package org.joblib4j.persist;

import static org.joblib4j.persist.Format.ALIGNMENT;
import static org.joblib4j.persist.Format.CHUNK;
import static org.joblib4j.persist.Format.FRAME_HEADER_SIZE;
import static org.joblib4j.persist.Format.HEADER_SIZE;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.joblib4j.internal.Buffers;
import org.jspecify.annotations.Nullable;

/** Writes the frames of a body (see the package documentation) to a {@link Sink}. */
final class FrameWriter {
  private static final byte[] ZEROS = new byte[ALIGNMENT];

  private final Sink sink;
  private final ByteBuffer head =
      ByteBuffer.allocate(FRAME_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private @Nullable ByteBuffer chunk;
  private long position;

  FrameWriter(Sink sink) {
    this.sink = sink;
  }

  /** Writes graph bytes as one or more graph frames. */
  void graph(byte[] b, int off, int len) {
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

  /** Writes the end frame. */
  void end() {
    header(Format.KIND_END, 0, 0, 0);
    crc.reset();
    trailer();
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
    head.put(kind).put((byte) element).putShort((short) pad).putLong(length);
    head.putInt(Format.crc(head.array(), 0, 12));
    head.flip();
    write(head);
  }

  private void trailer() {
    tail.clear();
    tail.putInt((int) crc.getValue());
    tail.flip();
    write(tail);
  }

  private void write(ByteBuffer b) {
    position += b.remaining();
    sink.write(b);
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
