package io.tributary.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Jackson's primitive-array serializers wrote a bare NaN token; the mapper must write null. */
class JsonNonFiniteArraysTest {
  record Arrays(double[] doubles, float[] floats) {}

  static final List<List<Object>> CASES =
      List.of(
          List.of(
              new Arrays(new double[] {1.5, Double.NaN}, new float[] {}),
              "{\"doubles\":[1.5,null],\"floats\":[]}"),
          List.of(
              new Arrays(new double[] {Double.NEGATIVE_INFINITY}, new float[] {Float.NaN, 2.5f}),
              "{\"doubles\":[null],\"floats\":[null,2.5]}"),
          List.of(
              new Arrays(new double[] {}, new float[] {Float.POSITIVE_INFINITY}),
              "{\"doubles\":[],\"floats\":[null]}"));

  @ParameterizedTest
  @FieldSource("CASES")
  void nonFiniteArrayElementsAreWrittenAsNull(List<Object> valueAndJson) {
    assertThat(Json.write(valueAndJson.get(0))).isEqualTo(valueAndJson.get(1));
  }
}
