package org.joblib4j.persist;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Where the body of a file goes: a file channel (uncompressed) or a stream. */
abstract class Sink {
  /** Writes all remaining bytes of {@code src}. */
  abstract void write(ByteBuffer src);

  /** Returns whether bulk copies should go through a direct buffer. */
  abstract boolean prefersDirect();

  static Sink of(FileChannel channel) {
    return new Sink() {
      @Override
      void write(ByteBuffer src) {
        try {
          while (src.hasRemaining()) {
            channel.write(src);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Could not write the dump: " + e.getMessage(), e);
        }
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
