package org.joblib4j.persist;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/** Compressing and decompressing streams for each {@link Compression.Codec}, from the libraries. */
final class Codecs {
  private static final int BUFFER = 1 << 16;

  /** The most memory, in KiB, an xz stream may ask for (level 9 needs about 65 MiB). */
  private static final int XZ_MEMORY_LIMIT_KIB = 96 * 1024;

  private Codecs() {}

  /** Returns a stream that compresses into {@code out}; closing it finishes and closes out. */
  static OutputStream compress(OutputStream out, Compression compression) throws IOException {
    int level = compression.level();
    switch (compression.codec()) {
      case NONE:
        return out;
      case ZLIB:
        Deflater deflater = new Deflater(level);
        return new DeflaterOutputStream(out, deflater, BUFFER) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              deflater.end();
            }
          }
        };
      case GZIP:
        return new GZIPOutputStream(out, BUFFER) {
          {
            def.setLevel(level);
          }
        };
      case LZ4:
        LZ4Factory factory = LZ4Factory.fastestInstance();
        LZ4Compressor compressor =
            level <= 2 ? factory.fastCompressor() : factory.highCompressor(level);
        return new LZ4FrameOutputStream(
            out,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_1MB,
            -1L,
            compressor,
            XXHashFactory.fastestInstance().hash32(),
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
      case ZSTD:
        return new ZstdOutputStream(out, level);
      case XZ:
        return new XZOutputStream(out, new LZMA2Options(level));
      default:
        throw new IllegalArgumentException("codec " + compression.codec());
    }
  }

  /** Returns a stream that decompresses {@code in}; closing it closes in. */
  static InputStream decompress(InputStream in, Compression.Codec codec) throws IOException {
    switch (codec) {
      case NONE:
        return in;
      case ZLIB:
        Inflater inflater = new Inflater();
        return new InflaterInputStream(in, inflater, BUFFER) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              inflater.end();
            }
          }
        };
      case GZIP:
        return new GZIPInputStream(in, BUFFER);
      case LZ4:
        return new LZ4FrameInputStream(in);
      case ZSTD:
        return new ZstdInputStream(in);
      case XZ:
        return new XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
      default:
        throw new IllegalArgumentException("codec " + codec);
    }
  }

  /** Returns {@code out} without its {@code close}: closing flushes only. */
  static OutputStream keepOpen(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /** Returns {@code in} without its {@code close}. */
  static InputStream keepOpen(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
