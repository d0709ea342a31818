package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import io.tributary.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer of a Hugging Face model directory: tokenizer.json with the BOS, EOS and PAD tokens
 * named by tokenizer_config.json or special_tokens_map.json. Families without a BOS (Qwen) use EOS
 * in its place, and without a PAD token EOS pads, as transformers' generate does.
 */
public final class HfTokenizers {
  private HfTokenizers() {}

  public static HfTokenizer load(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(json)) {
      throw new HfFormatException(json + ": missing; a model directory needs its tokenizer");
    }
    String eos = special(dir, "eos_token");
    if (eos == null) {
      throw new HfFormatException(
          dir.resolve("tokenizer_config.json")
              + ": eos_token missing (neither it nor special_tokens_map.json names one)");
    }
    String bos = special(dir, "bos_token");
    String pad = special(dir, "pad_token");
    return HfTokenizer.load(json, bos != null ? bos : eos, eos, pad != null ? pad : eos);
  }

  /** A special token's text from tokenizer_config.json, else special_tokens_map.json. */
  private static String special(Path dir, String key) {
    for (String file : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
      Path p = dir.resolve(file);
      if (!Files.isRegularFile(p)) {
        continue;
      }
      JsonNode node;
      try {
        node = Json.mapper().readTree(Files.readString(p)).get(key);
      } catch (IOException e) {
        throw new HfFormatException(p + ": not readable JSON: " + e.getMessage(), e);
      }
      if (node != null && node.isTextual()) {
        return node.asText();
      }
      if (node != null && node.isObject() && node.path("content").isTextual()) {
        return node.path("content").asText();
      }
    }
    return null;
  }
}
