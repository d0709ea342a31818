package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The conversions against torch itself: src/test/resources/hf-rounding/torch_roundings.safetensors
 * holds 16,384 float32 inputs (special values, ties and near-ties of both formats, subnormals,
 * random bit patterns) and what {@code tensor.to(torch.bfloat16)} and {@code
 * tensor.to(torch.float16)} made of them; src/test/python/make_rounding_reference.py wrote it with
 * the safetensors library, so reading it also reads a file of the reference implementation.
 */
class HalfPrecisionTorchTest {
  private static final Path FILE =
      Path.of("src/test/resources/hf-rounding/torch_roundings.safetensors");

  private static ByteBuffer raw(SafetensorsFile file, String name) {
    StoredTensor tensor = file.tensor(name);
    ByteBuffer bytes = ByteBuffer.allocate((int) tensor.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    tensor.readBytes(bytes);
    return bytes.flip();
  }

  @Test
  void everyRoundingEqualsTorchBitForBit() {
    try (SafetensorsFile file = SafetensorsFile.open(FILE)) {
      assertThat(file.metadata()).containsEntry("format", "pt");
      ByteBuffer f32 = raw(file, "f32");
      ByteBuffer bf16 = raw(file, "bf16");
      ByteBuffer f16 = raw(file, "f16");
      int n =
          file.tensor("f32").shapeArray().length == 1
              ? (int) file.tensor("f32").elementCount()
              : -1;
      assertThat(n).isEqualTo(16384);
      float[] widened = file.tensor("f32").readFloats();
      for (int i = 0; i < n; i++) {
        float value = Float.intBitsToFloat(f32.getInt(4 * i));
        assertThat(Float.floatToRawIntBits(widened[i])).isEqualTo(f32.getInt(4 * i));
        int torchBf16 = bf16.getShort(2 * i) & 0xFFFF;
        int torchF16 = f16.getShort(2 * i) & 0xFFFF;
        String input = String.format("input %08x (%s)", f32.getInt(4 * i), value);
        if (Float.isNaN(value)) {
          // payload bits of a NaN differ between torch's scalar and vector paths; NaN stays NaN
          assertThat(HalfPrecision.bf16ToFloat((short) torchBf16)).as(input).isNaN();
          assertThat(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(value))).isNaN();
          assertThat(HalfPrecision.f16ToFloat((short) torchF16)).as(input).isNaN();
          assertThat(HalfPrecision.f16ToFloat(HalfPrecision.floatToF16(value))).isNaN();
          continue;
        }
        assertThat(HalfPrecision.floatToBf16(value) & 0xFFFF)
            .as("bf16 of " + input)
            .isEqualTo(torchBf16);
        assertThat(HalfPrecision.floatToF16(value) & 0xFFFF)
            .as("f16 of " + input)
            .isEqualTo(torchF16);
      }
    }
  }
}
