package org.joblib4j.persist;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the body of a file goes: a file channel (uncompressed), written at given offsets, or a
 * stream, written in order.
 */
abstract class Sink {
  /** Writes all remaining bytes of {@code src}, appending them. */
  abstract void write(ByteBuffer src);

  /**
   * Writes all remaining bytes of {@code src} at {@code offset} in the body (the file less its
   * header). A stream can only append: it is written only at the offset where its body ends.
   */
  void write(ByteBuffer src, long offset) {
    write(src);
  }

  /** Cuts the body to {@code size} bytes, dropping what was written past it; streams cannot. */
  void truncate(long size) {
    throw new UnsupportedOperationException("a stream cannot be truncated");
  }

  /** Returns whether the body can be written at any offset, as a file channel can. */
  boolean positional() {
    return false;
  }

  /** Returns whether bulk copies should go through a direct buffer. */
  abstract boolean prefersDirect();

  /** Returns a sink writing the body to {@code channel} after the file's header. */
  static Sink of(FileChannel channel) {
    return new Sink() {
      private long end;

      @Override
      void write(ByteBuffer src) {
        write(src, end);
      }

      @Override
      void write(ByteBuffer src, long offset) {
        try {
          long at = Format.HEADER_SIZE + offset;
          while (src.hasRemaining()) {
            at += channel.write(src, at);
          }
          end = Math.max(end, at - Format.HEADER_SIZE);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not write the dump: " + e.getMessage(), e);
        }
      }

      @Override
      void truncate(long size) {
        try {
          channel.truncate(Format.HEADER_SIZE + size);
          end = Math.min(end, size);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not write the dump: " + e.getMessage(), e);
        }
      }

      @Override
      boolean positional() {
        return true;
      }

      @Override
      boolean prefersDirect() {
        return true;
      }
    };
  }

  static Sink of(OutputStream out) {
    return new Sink() {
      private byte @org.jspecify.annotations.Nullable [] scratch;

      @Override
      void write(ByteBuffer src) {
        try {
          if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
            return;
          }
          byte[] s = scratch;
          if (s == null) {
            s = new byte[1 << 16];
            scratch = s;
          }
          while (src.hasRemaining()) {
            int n = Math.min(s.length, src.remaining());
            src.get(s, 0, n);
            out.write(s, 0, n);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Could not write the dump: " + e.getMessage(), e);
        }
      }

      @Override
      boolean prefersDirect() {
        return false;
      }
    };
  }
}
