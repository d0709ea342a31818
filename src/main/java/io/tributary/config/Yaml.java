package io.tributary.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * The one YAML binding for config records: unknown keys are errors, and every failure becomes a
 * {@link ConfigException} that names the source, the line, the key path and what was expected.
 * Validation lives in each record's compact constructor and throws {@link ConfigException}.
 */
public final class Yaml {
  private static final ObjectMapper MAPPER =
      YAMLMapper.builder(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private Yaml() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static <T> T read(Path file, Class<T> type) {
    try {
      return read(Files.readString(file), type, file.toString());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config: " + e.getMessage(), e);
    }
  }

  public static <T> T read(String yaml, Class<T> type, String source) {
    try {
      T value = MAPPER.readValue(yaml, type);
      if (value == null) {
        throw new ConfigException(source + ": the config is empty");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw translate(e, source);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #write(Object)}, for a config kept as a record beside results that travel with the
   * repository: a path under {@code base} is written relative to it and any other path as a plain
   * path. Jackson's own writer gives every path as an absolute {@code file://} URI, which ties the
   * saved file to the machine that wrote it. Configs handed to another process keep {@link
   * #write(Object)}: that process may start in another directory.
   */
  public static String write(Object value, Path base) {
    Path root = base.toAbsolutePath().normalize();
    SimpleModule paths = new SimpleModule("relative paths");
    paths.addSerializer(
        Path.class,
        new StdSerializer<>(Path.class) {
          @Override
          public void serialize(Path path, JsonGenerator out, SerializerProvider provider)
              throws IOException {
            Path absolute = path.toAbsolutePath().normalize();
            out.writeString(
                absolute.startsWith(root) ? root.relativize(absolute).toString() : path.toString());
          }
        });
    try {
      return MAPPER.copy().registerModule(paths).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigException translate(JsonProcessingException e, String source) {
    String where = source + location(e.getLocation());
    if (e instanceof ValueInstantiationException vie
        && ExceptionUtils.getRootCause(vie) instanceof ConfigException ce) {
      String path = path(vie);
      return new ConfigException(
          where + ": " + (path.isEmpty() ? "" : "in '" + path + "': ") + ce.getMessage(), ce);
    }
    if (e instanceof UnrecognizedPropertyException upe) {
      String known =
          upe.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      return new ConfigException(
          where + ": unknown key '" + path(upe) + "'; known keys here: " + known, e);
    }
    if (e instanceof InvalidFormatException ife) {
      return new ConfigException(
          where
              + ": "
              + path(ife)
              + ": got '"
              + ife.getValue()
              + "', expected "
              + expected(ife.getTargetType()),
          e);
    }
    if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
      return new ConfigException(
          where + ": " + path(mie) + ": expected " + expected(mie.getTargetType()), e);
    }
    return new ConfigException(where + ": " + e.getOriginalMessage(), e);
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      Object[] constants = type.getEnumConstants();
      StringBuilder sb = new StringBuilder("one of [");
      for (int i = 0; i < constants.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(constants[i].toString().toLowerCase());
      }
      return sb.append(']').toString();
    }
    return "a value of type " + type.getSimpleName();
  }

  private static String location(JsonLocation location) {
    return location == null || location.getLineNr() < 0 ? "" : ":" + location.getLineNr();
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
