package org.joblib4j.persist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/** Where the body of a file comes from: a file channel (uncompressed) or a stream. */
abstract class Source {
  /** Reads up to {@code dst.remaining()} bytes; returns -1 at the end. */
  abstract int read(ByteBuffer dst);

  /** Returns the channel at whose current position the body continues, if any. */
  @Nullable FileChannel channel() {
    return null;
  }

  /** Returns whether bulk copies should go through a direct buffer. */
  boolean prefersDirect() {
    return false;
  }

  /**
   * Checks that nothing follows the data read so far; for a decompressing source this also makes
   * the codec check its own end of stream.
   */
  void expectEnd(FrameReader reader) {}

  /** Moves the channel position forward by {@code n} bytes (channel sources only). */
  void skip(long n) {
    throw new UnsupportedOperationException();
  }

  static Source of(FileChannel channel, String name) {
    return new Source() {
      @Override
      int read(ByteBuffer dst) {
        try {
          return channel.read(dst);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not read " + name + ": " + e.getMessage(), e);
        }
      }

      @Override
      FileChannel channel() {
        return channel;
      }

      @Override
      boolean prefersDirect() {
        return true;
      }

      @Override
      void skip(long n) {
        try {
          channel.position(channel.position() + n);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not read " + name + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /**
   * A stream source; when {@code decompressing}, any exception the stream throws means the
   * compressed data is damaged and becomes a {@link org.joblib4j.CorruptFileException}.
   */
  static Source of(InputStream in, String name, boolean decompressing, FrameReaderPosition pos) {
    return new Source() {
      private byte @Nullable [] scratch;

      @Override
      void expectEnd(FrameReader reader) {
        if (!decompressing) {
          return;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        int n = read(one);
        if (n > 0) {
          throw reader.corrupt(pos.position(), "data follows the end frame");
        }
      }

      @Override
      int read(ByteBuffer dst) {
        try {
          if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
              dst.position(dst.position() + n);
            }
            return n;
          }
          byte[] s = scratch;
          if (s == null) {
            s = new byte[1 << 16];
            scratch = s;
          }
          int n = in.read(s, 0, Math.min(s.length, dst.remaining()));
          if (n > 0) {
            dst.put(s, 0, n);
          }
          return n;
        } catch (IOException | RuntimeException e) {
          if (e instanceof org.joblib4j.CorruptFileException c) {
            throw c;
          }
          if (decompressing) {
            throw new org.joblib4j.CorruptFileException(
                name, pos.position(), "the compressed data cannot be decompressed (" + e + ")", e);
          }
          if (e instanceof IOException io) {
            throw new UncheckedIOException("Could not read " + name + ": " + e.getMessage(), io);
          }
          throw (RuntimeException) e;
        }
      }
    };
  }

  /** Reports the reader's position for error messages. */
  interface FrameReaderPosition {
    long position();
  }
}
