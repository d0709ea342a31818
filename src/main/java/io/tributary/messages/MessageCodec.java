package io.tributary.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tributary.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * The wire format of every message: UTF-8 JSON through the project's one mapper ({@link Json}),
 * which writes non-finite numbers as null. Reading is strict and explains itself: a bad input fails
 * with a {@link MessageFormatException} that names the message type, the field and what was
 * expected. The JSON Schemas in {@code pipeline/schemas/} describe the same format. A scored group
 * is bound by Jackson with its strict features ({@link StrictBinding}); the three small messages
 * are read field by field ({@link JsonFields}).
 */
public final class MessageCodec {
  private static final Map<Class<?>, Decoder<?>> DECODERS =
      Map.of(
          PromptMessage.class,
              new Decoder<>("prompt", PromptMessage.SCHEMA_VERSION, MessageCodec::prompt),
          ScoredGroup.class, new Decoder<>("scored group", ScoredGroup.SCHEMA_VERSION, null),
          PolicyVersionEvent.class,
              new Decoder<>(
                  "policy version", PolicyVersionEvent.SCHEMA_VERSION, MessageCodec::policyVersion),
          DeadLetter.class,
              new Decoder<>("dead letter", DeadLetter.SCHEMA_VERSION, MessageCodec::deadLetter));

  // one document per message: "{...} {...}" or "{...} garbage" is an error, not the first object
  private static final ObjectReader READER =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private MessageCodec() {}

  public static byte[] encode(Message message) {
    return Json.writeBytes(message);
  }

  public static String encodeToString(Message message) {
    return Json.write(message);
  }

  public static <T extends Message> T decode(byte[] json, Class<T> type) {
    if (json == null) {
      throw new MessageFormatException(decoder(type).name + ": got no bytes (null), expected JSON");
    }
    return decode(new String(json, StandardCharsets.UTF_8), type);
  }

  public static <T extends Message> T decode(String json, Class<T> type) {
    Decoder<T> decoder = decoder(type);
    if (json == null) {
      throw new MessageFormatException(decoder.name + ": got null, expected JSON");
    }
    JsonNode tree;
    try {
      tree = READER.readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new MessageFormatException(
          decoder.name
              + ": not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    if (tree == null || !tree.isObject()) {
      throw new MessageFormatException(
          decoder.name
              + ": got "
              + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType())
              + ", expected a JSON object");
    }
    if (decoder.read == null) {
      return StrictBinding.read(decoder.name, decoder.schemaVersion, tree, type);
    }
    try {
      JsonFields fields = new JsonFields(tree);
      // the version first: a newer writer's message fails on its version, not on a renamed field
      Require.schemaVersion(decoder.name, fields.integer("schemaVersion"), decoder.schemaVersion);
      T message = decoder.read.apply(fields);
      fields.rejectUnknown();
      return message;
    } catch (MessageFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MessageFormatException(decoder.name + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> Decoder<T> decoder(Class<T> type) {
    Decoder<T> decoder = (Decoder<T>) DECODERS.get(type);
    if (decoder == null) {
      throw new IllegalArgumentException("no decoder for " + type.getName());
    }
    return decoder;
  }

  /** {@code read} null: bound by {@link StrictBinding}. */
  private record Decoder<T>(String name, int schemaVersion, Function<JsonFields, T> read) {}

  // The readers below list the fields in the records' order.

  private static PromptMessage prompt(JsonFields f) {
    return new PromptMessage(
        f.integer("schemaVersion"),
        f.text("promptId"),
        f.text("prompt"),
        f.text("task"),
        f.nullableText("answer"),
        f.textMap("fields"),
        f.longInteger("createdAtMillis"));
  }

  private static PolicyVersionEvent policyVersion(JsonFields f) {
    return new PolicyVersionEvent(
        f.integer("schemaVersion"),
        f.longInteger("version"),
        f.text("checkpointPath"),
        f.text("checksumSha256"),
        f.longInteger("trainingStep"),
        f.nullableNumberMap("metrics"),
        f.longInteger("timestampMillis"));
  }

  private static DeadLetter deadLetter(JsonFields f) {
    return new DeadLetter(
        f.integer("schemaVersion"),
        f.choice("sourceKind", DeadLetter.SourceKind.class, DeadLetter.SourceKind::wireName),
        f.text("source"),
        f.nullableInteger("partition"),
        f.longInteger("position"),
        f.text("payload"),
        f.text("reason"),
        f.longInteger("timestampMillis"));
  }
}
