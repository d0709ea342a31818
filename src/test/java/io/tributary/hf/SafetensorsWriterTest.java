package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.hf.IndependentSafetensorsParser.Parsed;
import io.tributary.hf.IndependentSafetensorsParser.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
  @TempDir Path dir;

  private static List<OutputTensor> mixedTensors() {
    return List.of(
        OutputTensor.of(
            "zeta.weight",
            SafetensorsDtype.BF16,
            new long[] {3},
            new float[] {1f, -2f, 1f + 3 * 0x1p-8f}),
        OutputTensor.of(
            "alpha.weight", SafetensorsDtype.F16, new long[] {1, 2}, new float[] {0.5f, 65520f}),
        OutputTensor.of(
            "mid.bias", SafetensorsDtype.F32, new long[] {2, 1}, new float[] {3.25f, -0f}),
        OutputTensor.of(
            "beta.weight", SafetensorsDtype.BF16, new long[] {1}, new float[] {Float.NaN}),
        OutputTensor.of("a.scale", SafetensorsDtype.F32, new long[] {}, new float[] {7f}));
  }

  @Test
  void theFileFollowsTheFormatsRulesByteByByte() throws Exception {
    Path file = dir.resolve("model.safetensors");
    long dataBytes = SafetensorsWriter.write(file, mixedTensors());
    byte[] bytes = Files.readAllBytes(file);
    Parsed parsed = IndependentSafetensorsParser.parse(bytes);

    // 8-byte little-endian header length; the data starts 8-byte aligned, padded with spaces
    assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0))
        .isEqualTo(parsed.headerLength());
    assertThat((8 + parsed.headerLength()) % 8).isZero();
    assertThat(parsed.headerText().stripTrailing()).endsWith("}");
    assertThat(parsed.headerText().substring(parsed.headerText().stripTrailing().length()))
        .matches(" {0,7}");
    assertThat(parsed.headerText()).doesNotContain("\n").doesNotContain(": ");

    // __metadata__ first, as transformers writes it
    assertThat(parsed.keysInOrder().get(0)).isEqualTo("__metadata__");
    assertThat(parsed.header().get("__metadata__").toString()).isEqualTo("{\"format\":\"pt\"}");

    // each entry has exactly dtype, shape and data_offsets
    parsed
        .header()
        .fields()
        .forEachRemaining(
            field -> {
              if (!field.getKey().equals("__metadata__")) {
                List<String> keys = new ArrayList<>();
                field.getValue().properties().forEach(p -> keys.add(p.getKey()));
                assertThat(keys).containsExactly("dtype", "shape", "data_offsets");
              }
            });

    // tensors by descending alignment then name, header order = data order, no gaps, to the end
    assertThat(parsed.keysInOrder().subList(1, parsed.keysInOrder().size()))
        .containsExactly("a.scale", "mid.bias", "beta.weight", "zeta.weight", "alpha.weight");
    long expectedBegin = 0;
    for (Tensor tensor : parsed.tensors().values()) {
      assertThat(tensor.begin()).isEqualTo(expectedBegin);
      long elements = tensor.shape().stream().reduce(1L, (a, b) -> a * b);
      int width = tensor.dtype().equals("F32") ? 4 : 2;
      assertThat(tensor.end() - tensor.begin()).isEqualTo(elements * width);
      expectedBegin = tensor.end();
    }
    assertThat(expectedBegin).isEqualTo(parsed.dataLength()).isEqualTo(dataBytes);

    // values: F32 as is; BF16 and F16 rounded to nearest even (NaN canonical, 65520 -> inf)
    Map<String, Tensor> t = parsed.tensors();
    assertThat(t.get("a.scale").shape()).isEmpty();
    assertThat(t.get("a.scale").floats()).containsExactly(7f);
    assertThat(t.get("mid.bias").floats()).containsExactly(3.25f, -0f);
    assertThat(t.get("zeta.weight").halves()).containsExactly(0x3F80, 0xC000, 0x3F82);
    assertThat(t.get("beta.weight").halves()).containsExactly(0x7FC0);
    assertThat(t.get("alpha.weight").floats()).containsExactly(0.5f, Float.POSITIVE_INFINITY);
    assertThat(t.get("alpha.weight").shape()).containsExactly(1L, 2L);
  }

  @Test
  void aHeaderAlreadyAlignedGetsNoPaddingAndOneThatIsNotGetsSpaces() throws Exception {
    // 64 bytes of JSON: already aligned
    Path aligned = dir.resolve("aligned.safetensors");
    float[] six = {0, 1, 2, 3, 4, 5};
    SafetensorsWriter.write(
        aligned,
        List.of(OutputTensor.of("attn.0", SafetensorsDtype.F32, new long[] {1, 2, 3}, six)),
        Map.of());
    String alignedHeader =
        "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
    assertThat(alignedHeader).hasSize(64);
    assertThat(Files.readAllBytes(aligned)).isEqualTo(expectedFile(alignedHeader, six));

    // 65 bytes of JSON: seven spaces to 72
    Path padded = dir.resolve("padded.safetensors");
    SafetensorsWriter.write(
        padded,
        List.of(OutputTensor.of("attn0", SafetensorsDtype.F32, new long[] {1, 1, 2, 3}, six)),
        Map.of());
    String paddedHeader =
        "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
    assertThat(Files.readAllBytes(padded)).isEqualTo(expectedFile(paddedHeader + "       ", six));
  }

  @Test
  void aFileWithoutTensorsIsJustTheMetadata() throws Exception {
    Path file = dir.resolve("empty.safetensors");
    SafetensorsWriter.write(file, List.of());
    assertThat(Files.readAllBytes(file))
        .isEqualTo(
            expectedFile("{\"__metadata__\":{\"format\":\"pt\"}}", new float[0])); // 32 bytes
  }

  private static byte[] expectedFile(String header, float[] values) {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate(8 + text.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(text.length).put(text);
    for (float v : values) {
      buffer.putFloat(v);
    }
    return buffer.array();
  }

  @Test
  void whatItWritesItsOwnReaderReadsBack() {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, mixedTensors());
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.metadata()).isEqualTo(Map.of("format", "pt"));
      assertThat(read.tensor("mid.bias").readFloats()).containsExactly(3.25f, -0f);
      assertThat(read.tensor("zeta.weight").readFloats()).containsExactly(1f, -2f, 1f + 0x1p-6f);
      assertThat(read.tensor("zeta.weight").dtype()).isEqualTo(SafetensorsDtype.BF16);
    }
  }

  @Test
  void bf16ValuesSurviveAReadAndAWriteBitForBit() throws Exception {
    // import then export must be bit-exact: read BF16 into float, write BF16 again
    int[] patterns = new int[4096];
    for (int i = 0; i < patterns.length; i++) {
      patterns[i] = (i * 40503) & 0xFFFF;
      if (Float.isNaN(HalfPrecision.bf16ToFloat((short) patterns[i]))) {
        patterns[i] = 0x7FC0; // the one NaN torch writes
      }
    }
    Path source =
        HandBuiltSafetensors.write(
            dir,
            "in.safetensors",
            "{\"w\":{\"dtype\":\"BF16\",\"shape\":[4096],\"data_offsets\":[0,8192]}}",
            HandBuiltSafetensors.u16(patterns));
    float[] values;
    try (SafetensorsFile in = SafetensorsFile.open(source)) {
      values = in.tensor("w").readFloats();
    }
    Path out = dir.resolve("out.safetensors");
    SafetensorsWriter.write(
        out,
        List.of(OutputTensor.of("w", SafetensorsDtype.BF16, new long[] {4096}, values)),
        Map.of());
    assertThat(IndependentSafetensorsParser.parse(out).tensors().get("w").halves())
        .containsExactly(patterns);
  }

  @Test
  void tensorsAreAskedForTheirValuesOneAtATimeInLayoutOrder() {
    List<String> asked = new ArrayList<>();
    List<OutputTensor> lazy = new ArrayList<>();
    for (String name : List.of("b", "a", "c")) {
      lazy.add(
          new OutputTensor(
              name,
              SafetensorsDtype.F32,
              List.of(2L),
              () -> {
                asked.add(name);
                return new float[] {1, 2};
              }));
    }
    SafetensorsWriter.write(dir.resolve("lazy.safetensors"), lazy);
    assertThat(asked).containsExactly("a", "b", "c");
  }

  @Test
  void badTensorsAreRefusedNamingThem() {
    assertThatThrownBy(
            () -> OutputTensor.of("w", SafetensorsDtype.F32, new long[] {2, 2}, new float[3]))
        .hasMessageContaining("'w'")
        .hasMessageContaining("3 values for shape [2, 2]");
    assertThatThrownBy(
            () -> OutputTensor.of("ids", SafetensorsDtype.I64, new long[] {1}, new float[1]))
        .hasMessageContaining("'ids': cannot write I64");
    List<OutputTensor> twice =
        List.of(
            OutputTensor.of("w", SafetensorsDtype.F32, new long[] {1}, new float[1]),
            OutputTensor.of("w", SafetensorsDtype.F32, new long[] {1}, new float[1]));
    assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), twice))
        .hasMessageContaining("'w' is given twice");
    OutputTensor lying =
        new OutputTensor("liar", SafetensorsDtype.F32, List.of(4L), () -> new float[2]);
    assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("y.safetensors"), List.of(lying)))
        .hasMessageContaining("'liar' supplied 2 values");
    assertThat(dir.resolve("y.safetensors")).doesNotExist();
  }

  @Test
  void layoutOrderPutsWiderDtypesFirst() {
    List<OutputTensor> ordered = SafetensorsWriter.layoutOrder(mixedTensors());
    assertThat(ordered)
        .isSortedAccordingTo(
            Comparator.comparing((OutputTensor t) -> -t.dtype().byteSize())
                .thenComparing(t -> t.dtype() == SafetensorsDtype.BF16 ? 0 : 1));
  }
}
