package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.CorruptFileException;
import org.joblib4j.Joblib;
import org.junit.jupiter.api.Test;

/**
 * Sizes inside the object graph that lie, in files whose checksums were recomputed to match (a
 * crafted file, not a damaged one), run out of data instead of memory.
 */
class LyingGraphTest {
  private static final byte[] HUGE_VARINT = {
    (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07
  };

  @Test
  void load_collectionSizesThatLie_failWithCorruptFileExceptionNotOutOfMemory() {
    ArrayList<Object> list = new ArrayList<>(List.of(1, 2, 3));
    HashMap<String, Object> map = new HashMap<>(Map.of("k", list));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(map, out, Compression.NONE);
    byte[] file = out.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int payloadLength = (int) b.getLong(Format.HEADER_SIZE + 4);
    int payloadStart = Format.HEADER_SIZE + Format.FRAME_HEADER_SIZE;
    int tried = 0;
    for (int at = 0; at < payloadLength; at++) {
      byte[] crafted = craft(file, payloadStart, payloadLength, at);
      try {
        Object back =
            Joblib.load(new ByteArrayInputStream(crafted), Object.class, LoadOptions.defaults());
        assertThat(back).isNotNull();
      } catch (CorruptFileException | org.joblib4j.SerializationException expected) {
        tried++;
      }
    }
    assertThat(tried).isGreaterThan(0);
  }

  /** Replaces the byte at {@code at} of the graph payload with a huge varint, fixing checksums. */
  private static byte[] craft(byte[] file, int payloadStart, int payloadLength, int at) {
    int grow = HUGE_VARINT.length - 1;
    byte[] c = new byte[file.length + grow];
    System.arraycopy(file, 0, c, 0, payloadStart + at);
    System.arraycopy(HUGE_VARINT, 0, c, payloadStart + at, HUGE_VARINT.length);
    System.arraycopy(
        file,
        payloadStart + at + 1,
        c,
        payloadStart + at + HUGE_VARINT.length,
        file.length - payloadStart - at - 1);
    ByteBuffer b = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
    int newLength = payloadLength + grow;
    b.putLong(Format.HEADER_SIZE + 4, newLength);
    b.putInt(Format.HEADER_SIZE + 12, Format.crc(c, Format.HEADER_SIZE, 12));
    b.putInt(payloadStart + newLength, Format.crc(c, payloadStart, newLength));
    return c;
  }
}
