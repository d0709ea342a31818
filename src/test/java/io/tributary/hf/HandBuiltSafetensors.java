package io.tributary.hf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Safetensors files assembled byte by byte in the tests, independently of the writer: an 8-byte
 * little-endian header length, the header text as given, then the data bytes as given.
 */
final class HandBuiltSafetensors {
  private HandBuiltSafetensors() {}

  static byte[] bytes(String header, byte[] data) {
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
    out.writeBytes(headerBytes);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static Path write(Path dir, String fileName, String header, byte[] data) {
    return writeRaw(dir, fileName, bytes(header, data));
  }

  static Path writeRaw(Path dir, String fileName, byte[] bytes) {
    try {
      return Files.write(dir.resolve(fileName), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] f32(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buffer.putFloat(v);
    }
    return buffer.array();
  }

  static byte[] u16(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      buffer.putShort((short) v);
    }
    return buffer.array();
  }

  static byte[] i64(long... values) {
    ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      buffer.putLong(v);
    }
    return buffer.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
