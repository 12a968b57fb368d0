package org.joblib4j.local.worker;

import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte array that frames are built in: big-endian primitives written in place, and an
 * {@link OutputStream} for serializers. Not an API; not thread-safe.
 */
public final class FrameBuffer extends OutputStream {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int size;

  /** Creates an empty buffer of {@code capacity} bytes to start with. */
  public FrameBuffer(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** Returns the array holding the bytes; valid up to {@link #size()}. */
  public byte[] array() {
    return buf;
  }

  /** Returns the number of bytes written. */
  public int size() {
    return size;
  }

  /** Forgets what was written, keeping the array unless it grew large. */
  public void clear() {
    if (buf.length > (1 << 20)) {
      buf = new byte[8192];
    }
    size = 0;
  }

  private void ensure(int more) {
    int need = size + more;
    if (need < 0) {
      throw new OutOfMemoryError("A frame cannot hold more than 2 GiB");
    }
    if (need > buf.length) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(need, 2L * buf.length));
      buf = Arrays.copyOf(buf, grown);
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  /** Drops what was written after the first {@code length} bytes. */
  public void truncate(int length) {
    if (length < 0 || length > size) {
      throw new IllegalArgumentException("length " + length + " outside [0, " + size + "]");
    }
    size = length;
  }

  /** Writes one byte. */
  public void putByte(int b) {
    write(b);
  }

  /** Writes a big-endian int. */
  public void putInt(int v) {
    ensure(4);
    INT.set(buf, size, v);
    size += 4;
  }

  /** Overwrites the int at {@code position}, written earlier. */
  public void setInt(int position, int v) {
    INT.set(buf, position, v);
  }

  /** Writes a big-endian long. */
  public void putLong(long v) {
    ensure(8);
    LONG.set(buf, size, v);
    size += 8;
  }

  /** Writes a double as the long of its bits. */
  public void putDouble(double v) {
    putLong(Double.doubleToRawLongBits(v));
  }

  /**
   * Writes a string as its length and UTF-16 code units, so any string, even one with unpaired
   * surrogates, reads back equal.
   */
  public void putString(String s) {
    int n = s.length();
    putInt(n);
    ensure(2 * n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buf[size++] = (byte) (c >>> 8);
      buf[size++] = (byte) c;
    }
  }

  /** Reads the frames that {@link FrameBuffer} writes. Not thread-safe. */
  public static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    /** Reads {@code buf} from {@code offset} to its end. */
    public Reader(byte[] buf, int offset) {
      this.buf = buf;
      this.pos = offset;
      this.end = buf.length;
    }

    /** Returns the position of the next byte. */
    public int position() {
      return pos;
    }

    /** Moves to {@code position}. */
    public void position(int position) {
      if (position < 0 || position > end) {
        throw new IllegalArgumentException("position " + position + " outside [0, " + end + "]");
      }
      pos = position;
    }

    /** Returns the underlying array. */
    public byte[] array() {
      return buf;
    }

    private void need(int n) {
      if (end - pos < n) {
        throw new IllegalStateException("Truncated frame: needed " + n + " more bytes");
      }
    }

    /** Reads one byte. */
    public byte getByte() {
      need(1);
      return buf[pos++];
    }

    /** Reads a big-endian int. */
    public int getInt() {
      need(4);
      int v = (int) INT.get(buf, pos);
      pos += 4;
      return v;
    }

    /** Reads a big-endian long. */
    public long getLong() {
      need(8);
      long v = (long) LONG.get(buf, pos);
      pos += 8;
      return v;
    }

    /** Reads a double written by {@link FrameBuffer#putDouble}. */
    public double getDouble() {
      return Double.longBitsToDouble(getLong());
    }

    /** Reads a string written by {@link FrameBuffer#putString}. */
    public String getString() {
      int n = getInt();
      if (n < 0) {
        throw new IllegalStateException("Corrupt frame: string length " + n);
      }
      need(2 * n);
      char[] chars = new char[n];
      for (int i = 0; i < n; i++) {
        chars[i] = (char) (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff));
        pos += 2;
      }
      return new String(chars);
    }
  }
}
