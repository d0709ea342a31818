package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of safetensors written from the format's description alone, sharing no code with
 * io.tributary.hf: it is how the tests show that a Java program without Tributary reads what
 * Tributary writes. It parses with a plain ObjectMapper and decodes the 16-bit floats from their
 * IEEE definitions in double arithmetic.
 */
final class IndependentSafetensorsParser {
  record Tensor(String dtype, List<Long> shape, long begin, long end, byte[] data) {
    float[] floats() {
      ByteBuffer bytes = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int width = dtype.equals("F32") ? 4 : 2;
      float[] values = new float[data.length / width];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            switch (dtype) {
              case "F32" -> bytes.getFloat(4 * i);
              case "BF16" -> Float.intBitsToFloat((bytes.getShort(2 * i) & 0xFFFF) << 16);
              case "F16" -> ieeeHalf(bytes.getShort(2 * i) & 0xFFFF);
              default -> throw new IllegalArgumentException(dtype);
            };
      }
      return values;
    }

    int[] halves() {
      ByteBuffer bytes = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int[] bits = new int[data.length / 2];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = bytes.getShort(2 * i) & 0xFFFF;
      }
      return bits;
    }
  }

  record Parsed(
      long headerLength,
      String headerText,
      JsonNode header,
      List<String> keysInOrder,
      Map<String, Tensor> tensors,
      long dataLength) {}

  private IndependentSafetensorsParser() {}

  static Parsed parse(Path file) {
    try {
      return parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Parsed parse(byte[] file) {
    ByteBuffer bytes = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long n = bytes.getLong(0);
    String text = new String(file, 8, (int) n, StandardCharsets.UTF_8);
    JsonNode header;
    try {
      header = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> keys = new ArrayList<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    long dataStart = 8 + n;
    for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      keys.add(key);
      if (key.equals("__metadata__")) {
        continue;
      }
      JsonNode entry = header.get(key);
      List<Long> shape = new ArrayList<>();
      entry.get("shape").forEach(d -> shape.add(d.asLong()));
      long begin = entry.get("data_offsets").get(0).asLong();
      long end = entry.get("data_offsets").get(1).asLong();
      byte[] data = new byte[(int) (end - begin)];
      System.arraycopy(file, (int) (dataStart + begin), data, 0, data.length);
      tensors.put(key, new Tensor(entry.get("dtype").asText(), shape, begin, end, data));
    }
    return new Parsed(n, text, header, keys, tensors, file.length - dataStart);
  }

  static float ieeeHalf(int h) {
    double sign = (h & 0x8000) != 0 ? -1 : 1;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0x1F) {
      return mantissa == 0 ? (float) (sign * Double.POSITIVE_INFINITY) : Float.NaN;
    }
    return (float)
        (exponent == 0
            ? sign * Math.scalb((double) mantissa, -24)
            : sign * Math.scalb((double) (1024 + mantissa), exponent - 25));
  }
}
