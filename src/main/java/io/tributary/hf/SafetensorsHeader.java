package io.tributary.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and fully validated JSON header of one safetensors file. Validation follows the
 * reference reader ({@code Metadata::validate}): the tensors, sorted by offset, must tile the byte
 * buffer exactly (first at 0, each starting where the previous ends, the last ending at the end of
 * the file), and each must span shape x dtype size bytes. Nothing of a file is used before all of
 * this holds.
 */
public record SafetensorsHeader(Map<String, String> metadata, List<SafetensorsEntry> entries) {
  /** The reference reader's limit: a larger header is far more likely garbage than a model. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  static final String METADATA_KEY = "__metadata__";
  private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  public SafetensorsHeader {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    entries = List.copyOf(entries);
  }

  /**
   * Parses {@code headerBytes} (the N bytes after the length prefix) of {@code file}, whose byte
   * buffer after the header is {@code dataLength} bytes long.
   */
  public static SafetensorsHeader parse(String file, byte[] headerBytes, long dataLength) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new HfFormatException(file + ": the header is not valid UTF-8", e);
    }
    JsonNode root;
    try {
      root = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new HfFormatException(
          file + ": the header is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new HfFormatException(file + ": the header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<SafetensorsEntry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata.putAll(parseMetadata(file, field.getValue()));
      } else {
        entries.add(parseEntry(file, field.getKey(), field.getValue()));
      }
    }
    entries.sort(
        Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
    validateLayout(file, entries, dataLength);
    return new SafetensorsHeader(metadata, entries);
  }

  private static Map<String, String> parseMetadata(String file, JsonNode node) {
    if (!node.isObject()) {
      throw new HfFormatException(
          file + ": " + METADATA_KEY + " must be an object of strings, got " + node);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isTextual()) {
        throw new HfFormatException(
            file
                + ": "
                + METADATA_KEY
                + " key '"
                + field.getKey()
                + "' must be a string, got "
                + field.getValue());
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
    return metadata;
  }

  private static SafetensorsEntry parseEntry(String file, String name, JsonNode node) {
    String where = file + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new HfFormatException(
          where + ": expected an object with dtype, shape and data_offsets, got " + node);
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!ENTRY_KEYS.contains(key)) {
        throw new HfFormatException(
            where + ": unknown key '" + key + "' (expected dtype, shape, data_offsets)");
      }
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new HfFormatException(where + ": dtype must be a string, got " + dtypeNode);
    }
    SafetensorsDtype dtype = SafetensorsDtype.parse(dtypeNode.textValue(), where);
    List<Long> shape = nonNegativeIntegers(where, "shape", node.get("shape"));
    List<Long> offsets = nonNegativeIntegers(where, "data_offsets", node.get("data_offsets"));
    if (offsets.size() != 2) {
      throw new HfFormatException(
          where + ": data_offsets must be [begin, end], got " + node.get("data_offsets"));
    }
    long begin = offsets.get(0);
    long end = offsets.get(1);
    if (end < begin) {
      throw new HfFormatException(
          where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    SafetensorsEntry entry = new SafetensorsEntry(name, dtype, shape, begin, end);
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(entry.elementCount(), dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new HfFormatException(where + ": shape " + shape + " overflows a 64-bit size", e);
    }
    if (entry.byteSize() != expectedBytes) {
      throw new HfFormatException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + entry.byteSize()
              + " bytes, but shape "
              + shape
              + " of "
              + dtype
              + " needs "
              + expectedBytes);
    }
    return entry;
  }

  private static List<Long> nonNegativeIntegers(String where, String key, JsonNode node) {
    if (node == null || !node.isArray()) {
      throw new HfFormatException(
          where + ": " + key + " must be an array of non-negative integers, got " + node);
    }
    List<Long> values = new ArrayList<>(node.size());
    for (JsonNode element : node) {
      if (!element.canConvertToExactIntegral()
          || !element.canConvertToLong()
          || element.asLong() < 0) {
        throw new HfFormatException(
            where + ": " + key + " must be an array of non-negative integers, got " + node);
      }
      values.add(element.asLong());
    }
    return values;
  }

  private static void validateLayout(
      String file, List<SafetensorsEntry> sortedByOffset, long dataLength) {
    long expectedBegin = 0;
    SafetensorsEntry previous = null;
    for (SafetensorsEntry entry : sortedByOffset) {
      if (entry.begin() < expectedBegin) {
        throw new HfFormatException(
            file
                + ": tensor '"
                + entry.name()
                + "' at data_offsets ["
                + entry.begin()
                + ", "
                + entry.end()
                + "] overlaps tensor '"
                + previous.name()
                + "' at ["
                + previous.begin()
                + ", "
                + previous.end()
                + "]");
      }
      if (entry.begin() > expectedBegin) {
        throw new HfFormatException(
            file
                + ": tensor '"
                + entry.name()
                + "' begins at "
                + entry.begin()
                + " but the data before it ends at "
                + expectedBegin
                + (previous == null ? "" : " (after tensor '" + previous.name() + "')")
                + "; the format lays tensors out without gaps");
      }
      if (entry.end() > dataLength) {
        throw new HfFormatException(
            file
                + ": truncated: tensor '"
                + entry.name()
                + "' ends at data offset "
                + entry.end()
                + " but the file holds only "
                + dataLength
                + " data bytes");
      }
      expectedBegin = entry.end();
      previous = entry;
    }
    if (expectedBegin != dataLength) {
      throw new HfFormatException(
          file
              + ": "
              + (dataLength - expectedBegin)
              + " bytes after the last tensor"
              + (previous == null ? "" : " '" + previous.name() + "'")
              + " are described by no tensor (data ends at "
              + expectedBegin
              + ", the file at "
              + dataLength
              + ")");
    }
  }
}
