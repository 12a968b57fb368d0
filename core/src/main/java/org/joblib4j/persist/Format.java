package org.joblib4j.persist;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.zip.CRC32C;
import org.joblib4j.internal.Buffers;

/** Constants of the file format (see the package documentation) and bulk copy helpers. */
final class Format {
  static final byte[] MAGIC = {(byte) 0x93, 'J', 'L', '4', 'J', 0x0D, 0x0A, 0x1A};
  static final int VERSION = 1;
  static final int HEADER_SIZE = 16;
  static final int FRAME_HEADER_SIZE = 16;
  static final int TRAILER_SIZE = 4;
  static final int ALIGNMENT = 64;

  /** The largest graph frame payload a reader accepts; writers emit at most this much. */
  static final int MAX_GRAPH_FRAME = 1 << 20;

  /** Arrays of at least this many bytes go to their own frame; smaller ones stay in the graph. */
  static final int BLOCK_THRESHOLD = 16 << 10;

  /** Bytes copied per step between arrays and the file. */
  static final int CHUNK = 4 << 20;

  static final byte KIND_GRAPH = 'G';
  static final byte KIND_ARRAY = 'A';
  static final byte KIND_END = 'E';

  static final int BYTE = Buffers.BYTE;
  static final int SHORT = Buffers.SHORT;
  static final int CHAR = Buffers.CHAR;
  static final int INT = Buffers.INT;
  static final int LONG = Buffers.LONG;
  static final int FLOAT = Buffers.FLOAT;
  static final int DOUBLE = Buffers.DOUBLE;
  static final int BOOLEAN = 8;

  /** Element flag: the buffer was direct. */
  static final int FLAG_DIRECT = 0x80;

  /** Element flag: the buffer's byte order was big-endian. */
  static final int FLAG_BIG_ENDIAN = 0x40;

  static final int TYPE_MASK = 0x0F;

  private static final ThreadLocal<ByteBuffer> DIRECT_CHUNK = new ThreadLocal<>();

  private Format() {}

  /**
   * Returns a little-endian chunk buffer of {@link #CHUNK} bytes, direct when asked; a direct one
   * is taken from this thread's cache, and should be given back with {@link #release}.
   */
  static ByteBuffer takeChunk(boolean direct) {
    if (!direct) {
      return ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = DIRECT_CHUNK.get();
    if (b == null) {
      b = ByteBuffer.allocateDirect(CHUNK);
    } else {
      DIRECT_CHUNK.remove();
    }
    b.clear();
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Gives a chunk from {@link #takeChunk} back to this thread's cache. */
  static void release(@org.jspecify.annotations.Nullable ByteBuffer chunk) {
    if (chunk != null && chunk.isDirect()) {
      DIRECT_CHUNK.set(chunk);
    }
  }

  static int size(int type) {
    switch (type) {
      case BYTE:
      case BOOLEAN:
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
        throw new IllegalArgumentException("element type " + type);
    }
  }

  static String typeName(int type) {
    switch (type) {
      case BYTE:
        return "byte";
      case SHORT:
        return "short";
      case CHAR:
        return "char";
      case INT:
        return "int";
      case LONG:
        return "long";
      case FLOAT:
        return "float";
      case DOUBLE:
        return "double";
      case BOOLEAN:
        return "boolean";
      default:
        return "unknown(" + type + ")";
    }
  }

  static int arrayLength(Object array) {
    return java.lang.reflect.Array.getLength(array);
  }

  static Object newArray(int type, int length) {
    switch (type) {
      case BYTE:
        return new byte[length];
      case SHORT:
        return new short[length];
      case CHAR:
        return new char[length];
      case INT:
        return new int[length];
      case LONG:
        return new long[length];
      case FLOAT:
        return new float[length];
      case DOUBLE:
        return new double[length];
      case BOOLEAN:
        return new boolean[length];
      default:
        throw new IllegalArgumentException("element type " + type);
    }
  }

  /**
   * Copies {@code count} elements of {@code array} from {@code from} into {@code dst} at its
   * position (little-endian when {@code dst} is), advancing the position.
   */
  static void put(ByteBuffer dst, int type, Object array, int from, int count) {
    int start = dst.position();
    switch (type) {
      case BYTE:
        dst.put((byte[]) array, from, count);
        return;
      case SHORT:
        dst.asShortBuffer().put((short[]) array, from, count);
        break;
      case CHAR:
        dst.asCharBuffer().put((char[]) array, from, count);
        break;
      case INT:
        dst.asIntBuffer().put((int[]) array, from, count);
        break;
      case LONG:
        dst.asLongBuffer().put((long[]) array, from, count);
        break;
      case FLOAT:
        dst.asFloatBuffer().put((float[]) array, from, count);
        break;
      case DOUBLE:
        dst.asDoubleBuffer().put((double[]) array, from, count);
        break;
      case BOOLEAN:
        boolean[] b = (boolean[]) array;
        for (int i = 0; i < count; i++) {
          dst.put(b[from + i] ? (byte) 1 : (byte) 0);
        }
        return;
      default:
        throw new IllegalArgumentException("element type " + type);
    }
    dst.position(start + count * size(type));
  }

  /**
   * Copies {@code count} elements from {@code src} at its position into {@code array} at {@code
   * from}, advancing the position. Returns false if a boolean byte is neither 0 nor 1.
   */
  static boolean get(ByteBuffer src, int type, Object array, int from, int count) {
    int start = src.position();
    switch (type) {
      case BYTE:
        src.get((byte[]) array, from, count);
        return true;
      case SHORT:
        src.asShortBuffer().get((short[]) array, from, count);
        break;
      case CHAR:
        src.asCharBuffer().get((char[]) array, from, count);
        break;
      case INT:
        src.asIntBuffer().get((int[]) array, from, count);
        break;
      case LONG:
        src.asLongBuffer().get((long[]) array, from, count);
        break;
      case FLOAT:
        src.asFloatBuffer().get((float[]) array, from, count);
        break;
      case DOUBLE:
        src.asDoubleBuffer().get((double[]) array, from, count);
        break;
      case BOOLEAN:
        boolean[] b = (boolean[]) array;
        for (int i = 0; i < count; i++) {
          byte v = src.get();
          if ((v & ~1) != 0) {
            return false;
          }
          b[from + i] = v == 1;
        }
        return true;
      default:
        throw new IllegalArgumentException("element type " + type);
    }
    src.position(start + count * size(type));
    return true;
  }

  /** Returns a heap buffer wrapping {@code array}, of element {@code type}. */
  static Buffer wrap(Object array, int type) {
    switch (type) {
      case BYTE:
        return ByteBuffer.wrap((byte[]) array);
      case SHORT:
        return java.nio.ShortBuffer.wrap((short[]) array);
      case CHAR:
        return CharBuffer.wrap((char[]) array);
      case INT:
        return IntBuffer.wrap((int[]) array);
      case LONG:
        return LongBuffer.wrap((long[]) array);
      case FLOAT:
        return FloatBuffer.wrap((float[]) array);
      case DOUBLE:
        return DoubleBuffer.wrap((double[]) array);
      default:
        throw new IllegalArgumentException("buffer element type " + type);
    }
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }
}
