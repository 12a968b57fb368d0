package org.joblib4j.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * What persistence and serialization both need to know of the JDK's buffers, whose seven classes
 * share no typed methods: a buffer's element type (as a code of the persistence format), its byte
 * order, bulk copies and typed views. This class is immutable.
 */
public final class Buffers {
  /** Element type codes, as the persistence format writes them. */
  public static final int BYTE = 1;

  public static final int SHORT = 2;
  public static final int CHAR = 3;
  public static final int INT = 4;
  public static final int LONG = 5;
  public static final int FLOAT = 6;
  public static final int DOUBLE = 7;

  private Buffers() {}

  /** Returns the element type code of {@code b}'s class. */
  public static int type(Buffer b) {
    if (b instanceof ByteBuffer) {
      return BYTE;
    } else if (b instanceof ShortBuffer) {
      return SHORT;
    } else if (b instanceof CharBuffer) {
      return CHAR;
    } else if (b instanceof IntBuffer) {
      return INT;
    } else if (b instanceof LongBuffer) {
      return LONG;
    } else if (b instanceof FloatBuffer) {
      return FLOAT;
    } else if (b instanceof DoubleBuffer) {
      return DOUBLE;
    }
    throw new IllegalArgumentException("unsupported buffer " + b.getClass().getName());
  }

  /** Returns the size in bytes of an element of buffer type {@code type}. */
  public static int elementSize(int type) {
    switch (type) {
      case BYTE:
        return 1;
      case SHORT:
      case CHAR:
        return 2;
      case INT:
      case FLOAT:
        return 4;
      case LONG:
      case DOUBLE:
        return 8;
      default:
        throw new IllegalArgumentException("buffer element type " + type);
    }
  }

  /** Returns the byte order of {@code b}. */
  public static ByteOrder order(Buffer b) {
    if (b instanceof ByteBuffer bb) {
      return bb.order();
    } else if (b instanceof ShortBuffer sb) {
      return sb.order();
    } else if (b instanceof CharBuffer cb) {
      return cb.order();
    } else if (b instanceof IntBuffer ib) {
      return ib.order();
    } else if (b instanceof LongBuffer lb) {
      return lb.order();
    } else if (b instanceof FloatBuffer fb) {
      return fb.order();
    }
    return ((DoubleBuffer) b).order();
  }

  /**
   * Copies {@code count} elements of {@code src} (absolute index {@code index}) into {@code dst} at
   * its position, in {@code dst}'s byte order, advancing {@code dst}'s position; {@code src} is not
   * moved.
   */
  public static void put(ByteBuffer dst, Buffer src, int index, int count) {
    int start = dst.position();
    if (src instanceof ByteBuffer b) {
      dst.put(b.slice(index, count));
      return;
    } else if (src instanceof ShortBuffer b) {
      dst.asShortBuffer().put(b.slice(index, count));
    } else if (src instanceof CharBuffer b) {
      dst.asCharBuffer().put(b.slice(index, count));
    } else if (src instanceof IntBuffer b) {
      dst.asIntBuffer().put(b.slice(index, count));
    } else if (src instanceof LongBuffer b) {
      dst.asLongBuffer().put(b.slice(index, count));
    } else if (src instanceof FloatBuffer b) {
      dst.asFloatBuffer().put(b.slice(index, count));
    } else {
      dst.asDoubleBuffer().put(((DoubleBuffer) src).slice(index, count));
    }
    dst.position(start + count * elementSize(type(src)));
  }

  /** Returns a typed view of {@code bytes} (from its position) for element {@code type}. */
  public static Buffer view(ByteBuffer bytes, int type, ByteOrder order) {
    ByteBuffer b = bytes.order(order);
    switch (type) {
      case BYTE:
        return b;
      case SHORT:
        return b.asShortBuffer();
      case CHAR:
        return b.asCharBuffer();
      case INT:
        return b.asIntBuffer();
      case LONG:
        return b.asLongBuffer();
      case FLOAT:
        return b.asFloatBuffer();
      case DOUBLE:
        return b.asDoubleBuffer();
      default:
        throw new IllegalArgumentException("buffer element type " + type);
    }
  }

  /**
   * Returns a heap buffer over its own array (as {@code DoubleBuffer.allocate} makes) holding the
   * remaining elements of {@code src}, positioned at zero.
   */
  public static Buffer heapCopy(Buffer src) {
    int n = src.remaining();
    if (src instanceof ByteBuffer b) {
      return ByteBuffer.allocate(n).order(b.order()).put(b.duplicate()).flip();
    } else if (src instanceof ShortBuffer b) {
      return ShortBuffer.allocate(n).put(b.duplicate()).flip();
    } else if (src instanceof CharBuffer b) {
      return CharBuffer.allocate(n).put(b.duplicate()).flip();
    } else if (src instanceof IntBuffer b) {
      return IntBuffer.allocate(n).put(b.duplicate()).flip();
    } else if (src instanceof LongBuffer b) {
      return LongBuffer.allocate(n).put(b.duplicate()).flip();
    } else if (src instanceof FloatBuffer b) {
      return FloatBuffer.allocate(n).put(b.duplicate()).flip();
    }
    return DoubleBuffer.allocate(n).put(((DoubleBuffer) src).duplicate()).flip();
  }

  /** Returns a read-only view of {@code b}. */
  public static Buffer readOnly(Buffer b) {
    if (b instanceof ByteBuffer x) {
      return x.asReadOnlyBuffer();
    } else if (b instanceof ShortBuffer x) {
      return x.asReadOnlyBuffer();
    } else if (b instanceof CharBuffer x) {
      return x.asReadOnlyBuffer();
    } else if (b instanceof IntBuffer x) {
      return x.asReadOnlyBuffer();
    } else if (b instanceof LongBuffer x) {
      return x.asReadOnlyBuffer();
    } else if (b instanceof FloatBuffer x) {
      return x.asReadOnlyBuffer();
    }
    return ((DoubleBuffer) b).asReadOnlyBuffer();
  }
}
