package org.joblib4j.persist;

import static org.joblib4j.persist.Format.ALIGNMENT;
import static org.joblib4j.persist.Format.CHUNK;
import static org.joblib4j.persist.Format.FRAME_HEADER_SIZE;
import static org.joblib4j.persist.Format.HEADER_SIZE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.joblib4j.CorruptFileException;
import org.joblib4j.MmapMode;
import org.joblib4j.internal.Buffers;
import org.jspecify.annotations.Nullable;

/**
 * Reads the frames of a body, checking every header and payload checksum and bounding every length
 * by what the file can still hold.
 */
final class FrameReader implements Source.FrameReaderPosition {
  /** Above this size, an array of unknown bound is read in parts before it is allocated. */
  private static final long DIRECT_ALLOCATION_LIMIT = 64L << 20;

  private static final int PART = 16 << 20;

  private final String name;
  private final boolean fileOffsets;
  private final long bound;
  private final MmapMode mmapMode;
  private final ByteBuffer head =
      ByteBuffer.allocate(FRAME_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private @Nullable Source source;
  private @Nullable ByteBuffer chunk;
  private long position;
  private long frameStart;
  private byte kind;
  private int element;
  private long length;

  /**
   * Creates a reader for {@code name}; {@code fileOffsets} when body offsets map to file offsets
   * (uncompressed), {@code bound} the body size when known or -1.
   */
  FrameReader(String name, boolean fileOffsets, long bound, MmapMode mmapMode) {
    this.name = name;
    this.fileOffsets = fileOffsets;
    this.bound = bound;
    this.mmapMode = mmapMode;
  }

  /** Returns how many bytes of the body are left to read, or -1 when unknown. */
  long remainingBound() {
    return bound < 0 ? -1 : bound - position;
  }

  void source(Source source) {
    this.source = source;
  }

  @Override
  public long position() {
    return fileOffsets ? HEADER_SIZE + position : position;
  }

  CorruptFileException corrupt(long at, String problem) {
    String where = fileOffsets ? "" : " (offset in the decompressed data)";
    return new CorruptFileException(
        name, fileOffsets ? HEADER_SIZE + at : at, problem + where, null);
  }

  CorruptFileException corrupt(String problem) {
    return corrupt(frameStart, problem);
  }

  /** Reads the next frame header and its padding. */
  byte nextFrame() {
    frameStart = position;
    head.clear();
    readFully(head, "a frame header");
    byte[] h = head.array();
    int expected = head.getInt(12);
    if (Format.crc(h, 0, 12) != expected) {
      throw corrupt("the frame header checksum does not match");
    }
    kind = h[0];
    element = h[1] & 0xFF;
    int pad = head.getShort(2) & 0xFFFF;
    length = head.getLong(4);
    if (kind != Format.KIND_GRAPH && kind != Format.KIND_ARRAY && kind != Format.KIND_END) {
      throw corrupt(String.format(Locale.ROOT, "unknown frame kind 0x%02x", kind));
    }
    if (pad >= ALIGNMENT || (kind != Format.KIND_ARRAY && pad != 0)) {
      throw corrupt("invalid frame padding " + pad);
    }
    if (length < 0 || (kind == Format.KIND_END && length != 0)) {
      throw corrupt("invalid frame length " + length);
    }
    if (bound >= 0 && pad + length + Format.TRAILER_SIZE > bound - position) {
      throw corrupt(
          String.format(
              Locale.ROOT,
              "the frame says it holds %d bytes but the file holds only %d more",
              length,
              Math.max(0, bound - position - pad - Format.TRAILER_SIZE)));
    }
    if (pad > 0) {
      ByteBuffer p = ByteBuffer.allocate(pad);
      readFully(p, "frame padding");
    }
    crc.reset();
    return kind;
  }

  /** Reads the payload of the current graph frame into a new or reused array. */
  byte[] graphPayload(byte @Nullable [] reuse) {
    if (length > Format.MAX_GRAPH_FRAME) {
      throw corrupt(
          "a graph frame of "
              + length
              + " bytes is larger than the limit of "
              + Format.MAX_GRAPH_FRAME);
    }
    int n = (int) length;
    byte[] b = reuse != null && reuse.length >= n ? reuse : new byte[Math.max(n, 8192)];
    readFully(ByteBuffer.wrap(b, 0, n), "a graph frame");
    crc.update(b, 0, n);
    checkTrailer();
    return b;
  }

  int graphLength() {
    return (int) length;
  }

  /** Reads the next frame, which must hold an array of {@code type}, and returns the array. */
  Object array(int type) {
    expectArrayFrame(type, false);
    int size = Format.size(type);
    int count = count(size);
    if (bound < 0 && length > DIRECT_ALLOCATION_LIMIT) {
      return arrayInParts(type, count);
    }
    Object array = Format.newArray(type, count);
    readInto(type, array, count);
    checkTrailer();
    return array;
  }

  /** Reads the next frame, which must hold a buffer of {@code type}, and returns the buffer. */
  Buffer buffer(int type) {
    int flags = expectArrayFrame(type, true);
    int size = Format.size(type);
    int count = count(size);
    // Typed buffers hold little-endian values in the file; a byte buffer keeps its byte order.
    ByteOrder order =
        type == Format.BYTE && (flags & Format.FLAG_BIG_ENDIAN) != 0
            ? ByteOrder.BIG_ENDIAN
            : ByteOrder.LITTLE_ENDIAN;
    Source s = src();
    FileChannel channel = s.channel();
    if (mmapMode != MmapMode.NONE && channel != null) {
      MappedByteBuffer mapped;
      try {
        mapped =
            channel.map(
                mmapMode == MmapMode.READ_ONLY
                    ? FileChannel.MapMode.READ_ONLY
                    : FileChannel.MapMode.PRIVATE,
                channel.position(),
                length);
      } catch (IOException | RuntimeException e) {
        throw new UncheckedIOException(
            "Could not map " + name + " (" + mmapMode + "): " + e,
            e instanceof IOException io ? io : new IOException(e));
      }
      crc.update(mapped.duplicate());
      s.skip(length);
      position += length;
      checkTrailer();
      return Buffers.view(mapped, type, order);
    }
    if ((flags & Format.FLAG_DIRECT) != 0 || type == Format.BYTE) {
      if (length > Integer.MAX_VALUE - 8) {
        throw corrupt("a buffer frame of " + length + " bytes is larger than a buffer can be");
      }
      boolean direct = (flags & Format.FLAG_DIRECT) != 0;
      ByteBuffer b;
      if (bound < 0 && length > DIRECT_ALLOCATION_LIMIT) {
        byte[] bytes = (byte[]) arrayInParts(Format.BYTE, (int) length);
        b =
            direct
                ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()
                : ByteBuffer.wrap(bytes);
      } else {
        b = direct ? ByteBuffer.allocateDirect((int) length) : ByteBuffer.allocate((int) length);
        readFully(b, "a buffer");
        b.flip();
        crc.update(b.duplicate());
        checkTrailer();
      }
      return Buffers.view(b, type, order);
    }
    Object array;
    if (bound < 0 && length > DIRECT_ALLOCATION_LIMIT) {
      array = arrayInParts(type, count);
    } else {
      array = Format.newArray(type, count);
      readInto(type, array, count);
      checkTrailer();
    }
    return Format.wrap(array, type);
  }

  private int expectArrayFrame(int type, boolean buffer) {
    long at = position;
    byte k = nextFrame();
    if (k != Format.KIND_ARRAY) {
      throw corrupt(at, "expected an array frame, found a frame of kind '" + (char) k + "'");
    }
    int t = element & Format.TYPE_MASK;
    int flags = element & ~Format.TYPE_MASK;
    if (t != type || (!buffer && flags != 0)) {
      throw corrupt(
          at,
          "expected an array frame of " + Format.typeName(type) + ", found " + Format.typeName(t));
    }
    return flags;
  }

  private int count(int size) {
    if (length % size != 0 || length / size > Integer.MAX_VALUE - 8) {
      throw corrupt(
          "an array frame of " + length + " bytes cannot hold elements of " + size + " bytes");
    }
    return (int) (length / size);
  }

  private void readInto(int type, Object array, int count) {
    int size = Format.size(type);
    ByteBuffer c = chunk();
    int perChunk = CHUNK / size;
    for (int from = 0; from < count; from += perChunk) {
      int n = Math.min(perChunk, count - from);
      c.clear();
      c.limit(n * size);
      readFully(c, "an array frame");
      c.flip();
      crc.update(c);
      c.flip();
      if (!Format.get(c, type, array, from, n)) {
        throw corrupt("a boolean array holds a byte that is neither 0 nor 1");
      }
    }
  }

  /* Reads the payload into parts first, so a lying length runs out of data before memory. */
  private Object arrayInParts(int type, int count) {
    List<ByteBuffer> parts = new ArrayList<>();
    long remaining = length;
    while (remaining > 0) {
      ByteBuffer part = ByteBuffer.allocate((int) Math.min(PART, remaining));
      part.order(ByteOrder.LITTLE_ENDIAN);
      readFully(part, "an array frame");
      part.flip();
      crc.update(part.duplicate());
      parts.add(part);
      remaining -= part.limit();
    }
    checkTrailer();
    Object array = Format.newArray(type, count);
    int size = Format.size(type);
    int from = 0;
    for (ByteBuffer part : parts) {
      int n = part.limit() / size;
      if (!Format.get(part, type, array, from, n)) {
        throw corrupt("a boolean array holds a byte that is neither 0 nor 1");
      }
      from += n;
    }
    return array;
  }

  /** Checks that the current frame is the end frame and nothing follows it. */
  void expectEndFrame(boolean alreadyRead) {
    if (!alreadyRead) {
      long at = position;
      byte k = nextFrame();
      if (k != Format.KIND_END) {
        throw corrupt(
            at, "expected the end frame after the object graph, found kind '" + (char) k + "'");
      }
      checkTrailer();
    }
    if (bound >= 0 && position != bound) {
      throw corrupt(position, (bound - position) + " bytes follow the end frame");
    }
    src().expectEnd(this);
  }

  void checkTrailer() {
    long at = position;
    tail.clear();
    readFully(tail, "a frame checksum");
    if (tail.getInt(0) != (int) crc.getValue()) {
      throw corrupt(
          at,
          "the checksum of the frame starting at "
              + (fileOffsets ? HEADER_SIZE + frameStart : frameStart)
              + " does not match its contents");
    }
  }

  private void readFully(ByteBuffer dst, String what) {
    Source s = src();
    while (dst.hasRemaining()) {
      int n = s.read(dst);
      if (n < 0) {
        throw corrupt(
            position,
            "the file ends inside " + what + " (" + dst.remaining() + " more bytes expected)");
      }
      position += n;
    }
  }

  private Source src() {
    Source s = source;
    if (s == null) {
      throw new IllegalStateException("no source");
    }
    return s;
  }

  /** Gives the chunk buffer back for reuse by the next dump or load on this thread. */
  void close() {
    Format.release(chunk);
    chunk = null;
  }

  private ByteBuffer chunk() {
    ByteBuffer c = chunk;
    if (c == null) {
      c = Format.takeChunk(src().prefersDirect());
      chunk = c;
    }
    return c;
  }
}
