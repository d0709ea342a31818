package io.tributary.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The wire format of every message: UTF-8 JSON through the project's one mapper ({@link Json}),
 * which writes non-finite numbers as null. Reading is strict and explains itself: a bad input fails
 * with a {@link MessageFormatException} that names the message type, the field and what was
 * expected. The JSON Schemas in {@code pipeline/schemas/} describe the same format. Every message
 * is bound by Jackson with its strict features ({@link StrictBinding}).
 */
public final class MessageCodec {
  // the optional fields are those the schemas leave out of "required": absent reads as null
  private static final Map<Class<?>, Decoder> DECODERS =
      Map.of(
          PromptMessage.class,
              new Decoder("prompt", PromptMessage.SCHEMA_VERSION, Set.of("answer")),
          ScoredGroup.class, new Decoder("scored group", ScoredGroup.SCHEMA_VERSION, Set.of()),
          PolicyVersionEvent.class,
              new Decoder("policy version", PolicyVersionEvent.SCHEMA_VERSION, Set.of()),
          DeadLetter.class,
              new Decoder("dead letter", DeadLetter.SCHEMA_VERSION, Set.of("partition")));

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
    Decoder decoder = decoder(type);
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
    ObjectNode object = (ObjectNode) tree;
    for (String field : decoder.optional) {
      if (!object.has(field)) {
        object.putNull(field);
      }
    }
    return StrictBinding.read(decoder.name, decoder.schemaVersion, object, type);
  }

  private static Decoder decoder(Class<? extends Message> type) {
    Decoder decoder = DECODERS.get(type);
    if (decoder == null) {
      throw new IllegalArgumentException("no decoder for " + type.getName());
    }
    return decoder;
  }

  /**
   * @param optional fields that may be absent; Jackson's strict binding wants every creator
   *     property present, so an absent one is read as an explicit null
   */
  private record Decoder(String name, int schemaVersion, Set<String> optional) {}
}
