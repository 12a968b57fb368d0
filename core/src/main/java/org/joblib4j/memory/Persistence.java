package org.joblib4j.memory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import net.openhft.hashing.LongHashFunction;
import org.joblib4j.JoblibException;
import org.joblib4j.MmapMode;
import org.joblib4j.serial.Serializer;
import org.jspecify.annotations.Nullable;

/** Writes, reads and hashes cached values. */
final class Persistence {
  private Persistence() {}

  static void dump(@Nullable Object value, OutputStream out) throws IOException {
    byte[] body = Serializer.get().toBytes(value);
    CRC32C crc = new CRC32C();
    crc.update(body);
    out.write(body);
    out.write(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
  }

  static @Nullable Object load(Path file, MmapMode mmapMode) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return load(in);
    }
  }

  static @Nullable Object load(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    if (all.length < 8) {
      throw new JoblibException("corrupt: truncated");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
      throw new JoblibException("corrupt: checksum");
    }
    byte[] body = new byte[all.length - 8];
    System.arraycopy(all, 0, body, 0, body.length);
    return Serializer.get().fromBytes(body, Serializer.contextLoader());
  }

  static String hash(@Nullable Object... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object v : values) {
      byte[] b = Serializer.get().toBytes(v);
      out.write(b, 0, b.length);
    }
    byte[] all = out.toByteArray();
    return String.format(
        java.util.Locale.ROOT, "%016x%016x",
        LongHashFunction.xx3().hashBytes(all), LongHashFunction.xx3(1).hashBytes(all));
  }
}
