package io.tributary.messages;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Readers of the numbers that the project's mapper writes as {@code null} when they are not finite
 * (io.tributary.json.Json): {@code null} reads back as NaN. Anything but a JSON number or null
 * fails, naming what it got; Jackson's own readers would coerce {@code "1.5"} or read null as 0.
 */
final class NullAsNaN {
  private NullAsNaN() {}

  /** A double where null stands for NaN. */
  static final class Number extends StdDeserializer<Double> {
    Number() {
      super(Double.class);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return read(p, ctxt);
    }

    @Override
    public Double getNullValue(DeserializationContext ctxt) {
      return Double.NaN;
    }
  }

  /** An array of floats where a null element stands for NaN. */
  static final class FloatArray extends StdDeserializer<float[]> {
    FloatArray() {
      super(float[].class);
    }

    @Override
    public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartArrayToken()) {
        return (float[]) ctxt.handleUnexpectedToken(float[].class, p);
      }
      float[] values = new float[64];
      int n = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (n == values.length) {
          values = java.util.Arrays.copyOf(values, n * 2);
        }
        values[n++] = t == JsonToken.VALUE_NULL ? Float.NaN : (float) read(p, ctxt);
      }
      return java.util.Arrays.copyOf(values, n);
    }
  }

  private static double read(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_NULL) {
      return Double.NaN;
    }
    return (Double) ctxt.handleUnexpectedToken(Double.class, p);
  }
}
