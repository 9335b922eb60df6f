package dev.visionapi.bedrock.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

import io.vertx.core.buffer.Buffer;

/**
 * Encodes one {@code application/vnd.amazon.eventstream} message: a prelude (total and headers length, CRC-32), string
 * headers, the payload and a CRC-32 of the whole. Written here because the SDK's own codec is not its public API; the
 * SDK client decoding every frame the emulator sends checks this encoding in the tests.
 */
final class EventStreamFrame {

    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final byte STRING_HEADER = 7;

    private EventStreamFrame() {
    }

    /** The message with these string headers, in order, and this payload. */
    static Buffer encode(Map<String, String> headers, byte[] payload) {
        Buffer encodedHeaders = Buffer.buffer();
        headers.forEach((name, value) -> {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            encodedHeaders.appendByte((byte) nameBytes.length).appendBytes(nameBytes)
                    .appendByte(STRING_HEADER).appendShort((short) valueBytes.length).appendBytes(valueBytes);
        });
        int total = PRELUDE_BYTES + encodedHeaders.length() + payload.length + CRC_BYTES;
        Buffer message = Buffer.buffer(total).appendInt(total).appendInt(encodedHeaders.length());
        message.appendUnsignedInt(crc(message)).appendBuffer(encodedHeaders).appendBytes(payload);
        return message.appendUnsignedInt(crc(message));
    }

    private static long crc(Buffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.getBytes());
        return crc.getValue();
    }
}
