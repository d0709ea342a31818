package io.tributary.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec of the project: Kafka messages, Flink records, JSONL files and metrics all go
 * through this mapper. Non-finite doubles are written as {@code null}, never as the string "NaN"
 * that non-Java readers reject.
 */
public final class Json {
  private static final ObjectMapper MAPPER = build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectMapper build() {
    SimpleModule nonFinite = new SimpleModule("non-finite-as-null");
    nonFinite.addSerializer(Double.class, new NonFiniteDouble());
    nonFinite.addSerializer(double.class, new NonFiniteDouble());
    nonFinite.addSerializer(Float.class, new NonFiniteFloat());
    nonFinite.addSerializer(float.class, new NonFiniteFloat());
    // Jackson's built-in primitive-array serializers bypass the two above and write a bare NaN
    // token, which is not JSON at all; these keep arrays of log-probs and the like valid.
    nonFinite.addSerializer(double[].class, new NonFiniteDoubleArray());
    nonFinite.addSerializer(float[].class, new NonFiniteFloatArray());
    return JsonMapper.builder()
        .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(nonFinite)
        .build()
        .findAndRegisterModules();
  }

  private static final class NonFiniteDouble extends StdSerializer<Double> {
    NonFiniteDouble() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (value == null || !Double.isFinite(value)) {
        gen.writeNull();
      } else {
        gen.writeNumber(value);
      }
    }
  }

  private static final class NonFiniteFloat extends StdSerializer<Float> {
    NonFiniteFloat() {
      super(Float.class);
    }

    @Override
    public void serialize(Float value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (value == null || !Float.isFinite(value)) {
        gen.writeNull();
      } else {
        gen.writeNumber(value);
      }
    }
  }

  private static final class NonFiniteDoubleArray extends StdSerializer<double[]> {
    NonFiniteDoubleArray() {
      super(double[].class);
    }

    @Override
    public void serialize(double[] values, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray(values, values.length);
      for (double value : values) {
        if (Double.isFinite(value)) {
          gen.writeNumber(value);
        } else {
          gen.writeNull();
        }
      }
      gen.writeEndArray();
    }
  }

  private static final class NonFiniteFloatArray extends StdSerializer<float[]> {
    NonFiniteFloatArray() {
      super(float[].class);
    }

    @Override
    public void serialize(float[] values, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray(values, values.length);
      for (float value : values) {
        if (Float.isFinite(value)) {
          gen.writeNumber(value);
        } else {
          gen.writeNull();
        }
      }
      gen.writeEndArray();
    }
  }
}
