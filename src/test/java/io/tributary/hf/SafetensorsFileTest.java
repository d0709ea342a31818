package io.tributary.hf;

import static io.tributary.hf.HandBuiltSafetensors.concat;
import static io.tributary.hf.HandBuiltSafetensors.f32;
import static io.tributary.hf.HandBuiltSafetensors.i64;
import static io.tributary.hf.HandBuiltSafetensors.u16;
import static io.tributary.hf.HandBuiltSafetensors.write;
import static io.tributary.hf.HandBuiltSafetensors.writeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  // 1.0, -2.0, 0.5 in BF16 and F16 bit patterns
  private static final byte[] BF16_ONE_MINUS_TWO_HALF = u16(0x3F80, 0xC000, 0x3F00);
  private static final byte[] F16_ONE_MINUS_TWO_HALF = u16(0x3C00, 0xC000, 0x3800);

  private Path threeDtypes() {
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":[3,1],\"data_offsets\":[22,28]},"
            + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[28,44]}}";
    return write(
        dir,
        "model.safetensors",
        header,
        concat(f32(1f, 2f, 3f, 4f), BF16_ONE_MINUS_TWO_HALF, F16_ONE_MINUS_TWO_HALF, i64(7, -9)));
  }

  @Test
  void readsEachTensorWithItsDtypeShapeAndValues() {
    try (SafetensorsFile file = SafetensorsFile.open(threeDtypes())) {
      assertThat(file.metadata()).containsEntry("format", "pt");
      assertThat(file.tensorNames()).containsExactly("w", "b", "h", "ids");
      assertThat(file.tensor("w").shape()).containsExactly(2L, 2L);
      assertThat(file.tensor("h").shapeArray()).containsExactly(3L, 1L);
      assertThat(file.tensor("b").dtype()).isEqualTo(SafetensorsDtype.BF16);
      assertThat(file.tensor("w").readFloats()).containsExactly(1f, 2f, 3f, 4f);
      assertThat(file.tensor("b").readFloats()).containsExactly(1f, -2f, 0.5f);
      assertThat(file.tensor("h").readFloats()).containsExactly(1f, -2f, 0.5f);
      assertThat(file.tensor("ids").readLongs()).containsExactly(7L, -9L);
      assertThat(file.tensor("ids").readFloats()).containsExactly(7f, -9f);
    }
  }

  @Test
  void readsIntoACallerSuppliedDirectBufferAtItsPosition() {
    try (SafetensorsFile file = SafetensorsFile.open(threeDtypes())) {
      FloatBuffer target =
          ByteBuffer.allocateDirect(4 * 8).order(ByteOrder.nativeOrder()).asFloatBuffer();
      target.put(42f);
      file.tensor("b").readFloats(target);
      file.tensor("w").readFloats(target);
      assertThat(target.position()).isEqualTo(8);
      float[] all = new float[8];
      target.flip().get(all);
      assertThat(all).containsExactly(42f, 1f, -2f, 0.5f, 1f, 2f, 3f, 4f);
    }
  }

  @Test
  void rawBytesAreTheStoredBitsUnchanged() {
    try (SafetensorsFile file = SafetensorsFile.open(threeDtypes())) {
      ByteBuffer target = ByteBuffer.allocate(6);
      file.tensor("b").readBytes(target);
      assertThat(target.array()).containsExactly(BF16_ONE_MINUS_TWO_HALF);
    }
  }

  @Test
  void aTargetWithoutRoomIsRefusedBeforeAnythingIsWritten() {
    try (SafetensorsFile file = SafetensorsFile.open(threeDtypes())) {
      FloatBuffer small = FloatBuffer.allocate(3);
      assertThatThrownBy(() -> file.tensor("w").readFloats(small))
          .hasMessageContaining("'w'")
          .hasMessageContaining("4 elements");
      assertThat(small.position()).isZero();
    }
  }

  @Test
  void tensorsSpanningManyWindowsReadWhole() {
    float[] values = new float[1001];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.25f - 7f;
    }
    int[] bf16 = new int[1001];
    float[] bf16Values = new float[1001];
    for (int i = 0; i < bf16.length; i++) {
      bf16[i] = HalfPrecision.floatToBf16(values[i]) & 0xFFFF;
      bf16Values[i] = HalfPrecision.bf16ToFloat((short) bf16[i]);
    }
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[7,143],\"data_offsets\":[0,4004]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1001],\"data_offsets\":[4004,6006]}}";
    Path path = write(dir, "x.safetensors", header, concat(f32(values), u16(bf16)));
    try (SafetensorsFile file = SafetensorsFile.open(path, 24)) {
      assertThat(file.tensor("a").readFloats()).containsExactly(values);
      assertThat(file.tensor("b").readFloats()).containsExactly(bf16Values);
    }
  }

  @Test
  void tensorsAreListedInDataOrderWhateverTheHeaderOrder() {
    String header =
        "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
            + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    try (SafetensorsFile file =
        SafetensorsFile.open(write(dir, "x.safetensors", header, f32(1, 2)))) {
      assertThat(file.tensorNames()).containsExactly("first", "second");
      assertThat(file.tensor("second").readFloats()).containsExactly(2f);
    }
  }

  @Test
  void anEmptyTensorAndAPaddedHeaderAreValid() {
    String header = "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]}}     ";
    try (SafetensorsFile file =
        SafetensorsFile.open(write(dir, "x.safetensors", header, new byte[0]))) {
      assertThat(file.tensor("e").readFloats()).isEmpty();
    }
  }

  @Test
  void aMissingTensorIsNamedWithTheFile() {
    try (SafetensorsFile file = SafetensorsFile.open(threeDtypes())) {
      assertThatThrownBy(() -> file.tensor("nope"))
          .isInstanceOf(HfFormatException.class)
          .hasMessageContaining("model.safetensors")
          .hasMessageContaining("'nope'");
    }
  }

  // --- every malformed file is refused when opened, naming the file (and the tensor) ---

  private String openFails(Path path) {
    return assertThatThrownBy(() -> SafetensorsFile.open(path))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining(path.getFileName().toString())
        .actual()
        .getMessage();
  }

  @Test
  void aFileShorterThanTheLengthPrefixIsTruncated() {
    assertThat(openFails(writeRaw(dir, "tiny.safetensors", new byte[] {1, 0, 0})))
        .contains("truncated");
  }

  @Test
  void aHeaderLengthBeyondTheFileIsRefused() {
    byte[] bytes = HandBuiltSafetensors.bytes("{}", new byte[0]);
    bytes[0] = 100; // claims a 100-byte header in a 10-byte file
    assertThat(openFails(writeRaw(dir, "long.safetensors", bytes)))
        .contains("header length 100 reaches beyond the file (10 bytes)");
  }

  @Test
  void aHeaderLengthWithTheTopBitSetIsRefusedNotNegative() {
    byte[] bytes = HandBuiltSafetensors.bytes("{}", new byte[0]);
    bytes[7] = (byte) 0x80;
    assertThat(openFails(writeRaw(dir, "huge.safetensors", bytes)))
        .contains("reaches beyond the file");
  }

  @Test
  void aHeaderThatIsNotJsonIsRefused() {
    assertThat(openFails(write(dir, "text.safetensors", "{\"a\": [0, 4", f32(1))))
        .contains("not JSON");
  }

  @Test
  void aHeaderThatIsNotAnObjectIsRefused() {
    assertThat(openFails(write(dir, "array.safetensors", "[1,2]", new byte[0])))
        .contains("not a JSON object");
  }

  @Test
  void aHeaderThatIsNotUtf8IsRefused() {
    byte[] bytes = HandBuiltSafetensors.bytes("{\"x\":1}", new byte[0]);
    bytes[10] = (byte) 0xC3; // a lone lead byte inside the name
    bytes[11] = (byte) 0x28;
    assertThat(openFails(writeRaw(dir, "latin.safetensors", bytes))).contains("UTF-8");
  }

  @Test
  void aTensorNamedTwiceInTheHeaderIsRefused() {
    String header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    assertThat(openFails(write(dir, "twice.safetensors", header, f32(1, 2)))).contains("'w'");
  }

  @Test
  void anUnsupportedDtypeIsRefusedWithTheSupportedOnes() {
    String header = "{\"scale\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}";
    assertThat(openFails(write(dir, "fp8.safetensors", header, new byte[4])))
        .contains("tensor 'scale'")
        .contains("unsupported dtype 'F8_E4M3'")
        .contains("BF16");
  }

  @Test
  void offsetsThatDoNotMatchShapeTimesDtypeSizeAreRefused() {
    String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}";
    assertThat(openFails(write(dir, "size.safetensors", header, new byte[8])))
        .contains("tensor 'w'")
        .contains("span 8 bytes, but shape [3] of BF16 needs 6");
  }

  @Test
  void overlappingTensorsAreRefusedNamingBoth() {
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    assertThat(openFails(write(dir, "overlap.safetensors", header, new byte[12])))
        .contains("tensor 'b'")
        .contains("overlaps tensor 'a'");
  }

  @Test
  void aGapBetweenTensorsIsRefused() {
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    assertThat(openFails(write(dir, "gap.safetensors", header, new byte[12])))
        .contains("tensor 'b' begins at 8")
        .contains("after tensor 'a'");
  }

  @Test
  void offsetsThatEndBeforeTheyBeginAreRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}";
    assertThat(openFails(write(dir, "backwards.safetensors", header, new byte[4])))
        .contains("tensor 'a'")
        .contains("end before they begin");
  }

  @Test
  void aTruncatedFileIsRefusedNamingTheTensorCut() {
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}}";
    assertThat(openFails(write(dir, "cut.safetensors", header, new byte[10])))
        .contains("truncated")
        .contains("tensor 'b' ends at data offset 20")
        .contains("only 10 data bytes");
  }

  @Test
  void bytesAfterTheLastTensorAreRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertThat(openFails(write(dir, "trailing.safetensors", header, new byte[6])))
        .contains("2 bytes after the last tensor 'a'");
  }

  @Test
  void malformedEntriesNameTheTensorAndTheKey() {
    assertThat(
            openFails(
                write(
                    dir,
                    "shape.safetensors",
                    "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                    new byte[4])))
        .contains("tensor 'a': shape must be an array of non-negative integers");
    assertThat(
            openFails(
                write(
                    dir,
                    "offsets.safetensors",
                    "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
                    new byte[4])))
        .contains("tensor 'a': data_offsets must be [begin, end]");
    assertThat(
            openFails(
                write(
                    dir,
                    "extra.safetensors",
                    "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}",
                    new byte[4])))
        .contains("tensor 'a': unknown key 'x'");
    assertThat(
            openFails(
                write(dir, "meta.safetensors", "{\"__metadata__\":{\"format\":1}}", new byte[0])))
        .contains("__metadata__ key 'format' must be a string");
  }

  @Test
  void aMissingFileIsAnIoErrorNamingIt() {
    Path missing = dir.resolve("absent.safetensors");
    assertThatThrownBy(() -> SafetensorsFile.open(missing))
        .hasMessageContaining("absent.safetensors");
  }

  @Test
  void f64AndSmallIntegerDtypesConvertToFloat() {
    ByteBuffer f64 =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-3);
    String header =
        "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
            + "\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]},"
            + "\"q\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[19,20]}}";
    Path path =
        write(dir, "misc.safetensors", header, concat(f64.array(), new byte[] {1, 0, 1, -5}));
    try (SafetensorsFile file = SafetensorsFile.open(path)) {
      assertThat(file.tensor("d").readFloats()).containsExactly(1.5f, -3f);
      assertThat(file.tensor("m").readLongs()).containsExactly(1L, 0L, 1L);
      assertThat(file.tensor("q").readFloats()).containsExactly(-5f);
      assertThatThrownBy(() -> file.tensor("d").readLongs()).hasMessageContaining("'d' is F64");
    }
  }

  @Test
  void mappingsAreReleasedPromptlyOnThisJvm() {
    // without prompt unmapping, loading a model would hold the file's pages on top of it
    assertThat(Unmapper.available()).isTrue();
    assertThat(Arrays.asList(SafetensorsDtype.values())).contains(SafetensorsDtype.BF16);
  }
}
