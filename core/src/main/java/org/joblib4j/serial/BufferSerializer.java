package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.joblib4j.internal.Buffers;

/**
 * Writes a {@code java.nio} buffer as its remaining elements and reads it back as a buffer of the
 * same element type, byte order, directness and read-only flag, positioned at zero. The JDK's
 * buffer classes are not serializable, so without this a buffer could not be a task argument or
 * result; large ones usually travel another way (the processes backend maps them from a file). This
 * class is immutable.
 */
final class BufferSerializer extends Serializer<Buffer> {
  BufferSerializer() {
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output output, Buffer buffer) {
    int type = Buffers.type(buffer);
    ByteOrder order = Buffers.order(buffer);
    int count = buffer.remaining();
    ByteBuffer bytes = ByteBuffer.allocate(count * Buffers.elementSize(type)).order(order);
    Buffers.put(bytes, buffer, buffer.position(), count);
    output.writeByte(type);
    output.writeBoolean(buffer.isDirect());
    output.writeBoolean(buffer.isReadOnly());
    output.writeBoolean(order == ByteOrder.BIG_ENDIAN);
    output.writeVarInt(count, true);
    output.writeBytes(bytes.array());
  }

  @Override
  public Buffer read(Kryo kryo, Input input, Class<? extends Buffer> type) {
    int elementType = input.readByte();
    boolean direct = input.readBoolean();
    boolean readOnly = input.readBoolean();
    ByteOrder order = input.readBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    int count = input.readVarInt(true);
    byte[] content = input.readBytes(count * Buffers.elementSize(elementType));
    ByteBuffer bytes =
        direct
            ? ByteBuffer.allocateDirect(content.length).put(content).flip()
            : ByteBuffer.wrap(content);
    Buffer view = Buffers.view(bytes, elementType, order);
    // A heap buffer of the platform's order comes back over its own array, as wrap() makes it.
    Buffer result =
        direct || elementType == Buffers.BYTE || order != ByteOrder.nativeOrder()
            ? view
            : Buffers.heapCopy(view);
    return readOnly ? Buffers.readOnly(result) : result;
  }
}
