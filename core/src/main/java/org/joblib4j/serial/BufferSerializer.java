package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
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
 * Writes a {@code java.nio} buffer as its remaining elements and reads it back as a buffer of the
 * same element type, byte order, directness and read-only flag, positioned at zero. The JDK's
 * buffer classes are not serializable, so without this a buffer could not be a task argument or
 * result; large ones usually travel another way (the processes backend maps them from a file).
 * This class is immutable.
 */
final class BufferSerializer extends Serializer<Buffer> {
  private static final byte BYTE = 0;
  private static final byte CHAR = 1;
  private static final byte SHORT = 2;
  private static final byte INT = 3;
  private static final byte FLOAT = 4;
  private static final byte LONG = 5;
  private static final byte DOUBLE = 6;
  private static final int[] SIZES = {1, 2, 2, 4, 4, 8, 8};

  BufferSerializer() {
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output output, Buffer buffer) {
    byte kind = kind(buffer);
    ByteOrder order = order(buffer);
    int count = buffer.remaining();
    ByteBuffer bytes = ByteBuffer.allocate(count * SIZES[kind]).order(order);
    copy(kind, buffer, bytes);
    output.writeByte(kind);
    output.writeBoolean(buffer.isDirect());
    output.writeBoolean(buffer.isReadOnly());
    output.writeBoolean(order == ByteOrder.BIG_ENDIAN);
    output.writeVarInt(count, true);
    output.writeBytes(bytes.array());
  }

  @Override
  public Buffer read(Kryo kryo, Input input, Class<? extends Buffer> type) {
    byte kind = input.readByte();
    if (kind < BYTE || kind > DOUBLE) {
      throw new IllegalArgumentException("Not a buffer: element kind " + kind);
    }
    boolean direct = input.readBoolean();
    boolean readOnly = input.readBoolean();
    ByteOrder order = input.readBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    int count = input.readVarInt(true);
    byte[] content = input.readBytes(count * SIZES[kind]);
    ByteBuffer bytes =
        (direct ? ByteBuffer.allocateDirect(content.length) : ByteBuffer.allocate(content.length))
            .order(order);
    bytes.put(content).flip();
    Buffer result = kind == BYTE ? bytes : view(kind, bytes, direct, order, count);
    return readOnly ? readOnly(kind, result) : result;
  }

  private static byte kind(Buffer b) {
    if (b instanceof ByteBuffer) {
      return BYTE;
    } else if (b instanceof CharBuffer) {
      return CHAR;
    } else if (b instanceof ShortBuffer) {
      return SHORT;
    } else if (b instanceof IntBuffer) {
      return INT;
    } else if (b instanceof FloatBuffer) {
      return FLOAT;
    } else if (b instanceof LongBuffer) {
      return LONG;
    } else if (b instanceof DoubleBuffer) {
      return DOUBLE;
    }
    throw new IllegalArgumentException("Unsupported buffer type " + b.getClass().getName());
  }

  private static ByteOrder order(Buffer b) {
    if (b instanceof ByteBuffer bb) {
      return bb.order();
    } else if (b instanceof CharBuffer cb) {
      return cb.order();
    } else if (b instanceof ShortBuffer sb) {
      return sb.order();
    } else if (b instanceof IntBuffer ib) {
      return ib.order();
    } else if (b instanceof FloatBuffer fb) {
      return fb.order();
    } else if (b instanceof LongBuffer lb) {
      return lb.order();
    }
    return ((DoubleBuffer) b).order();
  }

  /** Copies the remaining elements of {@code src}, leaving its position alone, into {@code dst}. */
  private static void copy(byte kind, Buffer src, ByteBuffer dst) {
    switch (kind) {
      case BYTE -> dst.put(((ByteBuffer) src).duplicate());
      case CHAR -> dst.asCharBuffer().put(((CharBuffer) src).duplicate());
      case SHORT -> dst.asShortBuffer().put(((ShortBuffer) src).duplicate());
      case INT -> dst.asIntBuffer().put(((IntBuffer) src).duplicate());
      case FLOAT -> dst.asFloatBuffer().put(((FloatBuffer) src).duplicate());
      case LONG -> dst.asLongBuffer().put(((LongBuffer) src).duplicate());
      default -> dst.asDoubleBuffer().put(((DoubleBuffer) src).duplicate());
    }
  }

  /**
   * Returns the elements in {@code bytes} as a buffer of {@code kind}: a view for a direct buffer
   * or an order other than the platform's, else a buffer over its own array, as {@code
   * DoubleBuffer.allocate} makes.
   */
  private static Buffer view(byte kind, ByteBuffer bytes, boolean direct, ByteOrder order, int n) {
    boolean ownArray = !direct && order == ByteOrder.nativeOrder();
    switch (kind) {
      case CHAR:
        return ownArray ? CharBuffer.allocate(n).put(bytes.asCharBuffer()).flip()
            : bytes.asCharBuffer();
      case SHORT:
        return ownArray ? ShortBuffer.allocate(n).put(bytes.asShortBuffer()).flip()
            : bytes.asShortBuffer();
      case INT:
        return ownArray ? IntBuffer.allocate(n).put(bytes.asIntBuffer()).flip()
            : bytes.asIntBuffer();
      case FLOAT:
        return ownArray ? FloatBuffer.allocate(n).put(bytes.asFloatBuffer()).flip()
            : bytes.asFloatBuffer();
      case LONG:
        return ownArray ? LongBuffer.allocate(n).put(bytes.asLongBuffer()).flip()
            : bytes.asLongBuffer();
      default:
        return ownArray ? DoubleBuffer.allocate(n).put(bytes.asDoubleBuffer()).flip()
            : bytes.asDoubleBuffer();
    }
  }

  private static Buffer readOnly(byte kind, Buffer b) {
    return switch (kind) {
      case BYTE -> ((ByteBuffer) b).asReadOnlyBuffer();
      case CHAR -> ((CharBuffer) b).asReadOnlyBuffer();
      case SHORT -> ((ShortBuffer) b).asReadOnlyBuffer();
      case INT -> ((IntBuffer) b).asReadOnlyBuffer();
      case FLOAT -> ((FloatBuffer) b).asReadOnlyBuffer();
      case LONG -> ((LongBuffer) b).asReadOnlyBuffer();
      default -> ((DoubleBuffer) b).asReadOnlyBuffer();
    };
  }
}
