package org.joblib4j.persist;

import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** The object graph's byte streams: graph frames on write, graph frame payloads on read. */
final class GraphStreams {
  private GraphStreams() {}

  /** Writes every chunk Kryo flushes as graph frames. */
  static final class Out extends OutputStream {
    private final FrameWriter frames;

    Out(FrameWriter frames) {
      this.frames = frames;
    }

    @Override
    public void write(int b) {
      frames.graph(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (len > 0) {
        frames.graph(b, off, len);
      }
    }
  }

  /** Serves the payloads of consecutive graph frames; ends at the end frame. */
  static final class In extends InputStream {
    private final FrameReader frames;
    private byte @Nullable [] buf;
    private int pos;
    private int lim;
    private boolean ended;

    In(FrameReader frames) {
      this.frames = frames;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      while (pos == lim) {
        if (ended) {
          return -1;
        }
        byte kind = frames.nextFrame();
        if (kind == Format.KIND_END) {
          frames.checkTrailer();
          ended = true;
          return -1;
        }
        if (kind != Format.KIND_GRAPH) {
          throw frames.corrupt("found an array frame where graph data was expected");
        }
        buf = frames.graphPayload(buf);
        pos = 0;
        lim = frames.graphLength();
      }
      int n = Math.min(len, lim - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    /** Returns whether every byte of the graph frames read so far has been served. */
    boolean drained() {
      return pos == lim;
    }

    boolean ended() {
      return ended;
    }
  }
}
