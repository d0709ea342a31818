package io.tributary.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.tributary.json.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** JSON Lines through the project's one mapper: one record per line, blank lines skipped. */
public final class Jsonl {
  private Jsonl() {}

  public static <T> List<T> read(Path file, Class<T> type) {
    return readLines(file, (json, lineNumber) -> Json.mapper().readValue(json, type));
  }

  /** Reads each non-blank line with {@code parser}; any failure names the file and line. */
  public static <T> List<T> readLines(Path file, LineParser<T> parser) {
    List<T> records = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(parser.parse(line, lineNumber));
        } catch (DatasetFormatException e) {
          throw e;
        } catch (JsonProcessingException e) {
          throw new DatasetFormatException(file, lineNumber, describe(e), e);
        } catch (IllegalArgumentException e) {
          throw new DatasetFormatException(file, lineNumber, e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    return records;
  }

  public static <T> void write(Path file, List<T> records) {
    write(file, records, Function.identity());
  }

  public static <T> void write(Path file, List<T> records, Function<T, ?> toJson) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (T record : records) {
          writer.write(Json.write(toJson.apply(record)));
          writer.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      return e.getCause().getMessage(); // the record's own validation message
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = mapping.getPath().get(mapping.getPath().size() - 1).getFieldName();
      return "field '" + field + "': " + e.getOriginalMessage();
    }
    return "not valid JSON: " + e.getOriginalMessage();
  }

  /**
   * Parses one line (numbered from 1); may throw Jackson's or an IllegalArgumentException with a
   * plain message.
   */
  @FunctionalInterface
  public interface LineParser<T> {
    T parse(String line, int lineNumber) throws JsonProcessingException;
  }
}
