package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.joblib4j.local.worker.Protocol;
import org.junit.jupiter.api.Test;

/** How frames are written and read, and how bytes that are not a frame are refused. */
class ProtocolTest {

  private static DataInputStream stream(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void readFrame_lengthOf1point75GbThenEndOfStream_failsWithoutAllocatingIt() {
    byte[] bytes = new byte[64];
    bytes[0] = 0x68;
    Arrays.fill(bytes, 4, bytes.length, (byte) 'x');
    long before = allocatedBytes();

    assertThatThrownBy(() -> Protocol.readFrame(stream(bytes)))
        .isInstanceOf(Protocol.MalformedFrameException.class)
        .hasMessageContaining("ended after 60 of the 1744830464 bytes");
    assertThat(allocatedBytes() - before).isLessThan(16L << 20);
  }

  @Test
  void readFrame_lengthOutsideBounds_failsNamingTheLength() {
    assertThatThrownBy(() -> Protocol.readFrame(stream(new byte[] {0, 0, 0, 0})))
        .isInstanceOf(Protocol.MalformedFrameException.class)
        .hasMessageContaining("length of 0 (0x00000000) is outside [1, ");
    assertThatThrownBy(() -> Protocol.readFrame(stream(new byte[] {-1, -1, -1, -2, 1})))
        .isInstanceOf(Protocol.MalformedFrameException.class)
        .hasMessageContaining("length of -2 (0xfffffffe)");
  }

  @Test
  void readFrame_endOfStreamBeforeAFrame_throwsEofException() {
    assertThatThrownBy(() -> Protocol.readFrame(stream(new byte[0])))
        .isExactlyInstanceOf(EOFException.class);
  }

  @Test
  void readFrame_framesSmallAndLargerThanOneMebibyte_readBackEqual() throws IOException {
    byte[] small = {1, 2, 3};
    byte[] large = new byte[5 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    Protocol.writeFrame(out, Protocol.RESULT, small, small.length);
    Protocol.writeFrame(out, Protocol.FAILURE, large, large.length);

    DataInputStream in = stream(bytes.toByteArray());
    byte[] first = Protocol.readFrame(in);
    byte[] second = Protocol.readFrame(in);

    assertThat(first).containsExactly(Protocol.RESULT, 1, 2, 3);
    assertThat(second).hasSize(large.length + 1);
    assertThat(second[0]).isEqualTo(Protocol.FAILURE);
    assertThat(Arrays.copyOfRange(second, 1, second.length)).isEqualTo(large);
  }
}
