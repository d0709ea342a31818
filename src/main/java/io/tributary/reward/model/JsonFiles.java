package io.tributary.reward.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.tributary.config.ConfigException;
import io.tributary.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a JSON file into a validating record; errors name the file and the key. */
final class JsonFiles {
  private JsonFiles() {}

  static <T> T read(Path file, Class<T> type) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return Json.mapper()
          .readerFor(type)
          .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(bytes);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(file + ": " + cause.getMessage(), e);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          file
              + ": unknown key '"
              + e.getPropertyName()
              + "'; known keys: "
              + e.getKnownPropertyIds(),
          e);
    } catch (JsonMappingException e) {
      String key =
          e.getPath().isEmpty() ? "" : e.getPath().get(e.getPath().size() - 1).getFieldName();
      throw new ConfigException(
          file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
