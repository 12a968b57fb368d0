package org.joblib4j.persist;

import com.esotericsoftware.kryo.kryo5.io.Input;
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

    /** Returns how many bytes of the current graph frame have not been served yet. */
    int chunkRemaining() {
      return lim - pos;
    }

    /** Returns whether every byte of the graph frames read so far has been served. */
    boolean drained() {
      return pos == lim;
    }

    boolean ended() {
      return ended;
    }
  }

  /**
   * Kryo's input, except that a string whose length is larger than the rest of the file is refused
   * before its characters are allocated.
   */
  static final class BoundedInput extends Input {
    private static final int SMALL = 1 << 16;
    private final FrameReader frames;
    private final In graph;

    BoundedInput(In graph, FrameReader frames) {
      super(graph, 1 << 16);
      this.graph = graph;
      this.frames = frames;
    }

    @Override
    public @Nullable String readString() {
      // Peek at the length only when the flag and length are in this graph frame: reading ahead
      // into the next frame could reach an array frame, and a refill would move the position.
      if ((limit - position) + graph.chunkRemaining() < 6) {
        return super.readString();
      }
      optional(6);
      int start = position;
      if (readVarIntFlag()) {
        int chars = readVarIntFlag(true) - 1;
        long remaining = frames.remainingBound();
        if (chars > SMALL && remaining >= 0 && chars > remaining + (limit - position)) {
          throw frames.corrupt(
              "a string claims "
                  + chars
                  + " characters but the file holds only "
                  + (remaining + limit - position)
                  + " more bytes");
        }
      }
      position = start;
      return super.readString();
    }
  }
}
