package io.tributary.reward.model;

import io.tributary.config.ConfigException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The JSON beside a user's TorchScript reward model: which file, which tokenizer, and the layout of
 * its inputs and output. The model is called as {@code forward(input_ids)} or, with {@code
 * attentionMask}, {@code forward(input_ids, attention_mask)}; both int64 (B, T), the mask 1 on real
 * tokens and 0 on padding. Each row is {@code [BOS] prompt completion [EOS]} (the brackets only
 * with {@code addSpecialTokens}); a row longer than {@code maxLength} keeps its last tokens.
 *
 * @param model the TorchScript file, relative to the descriptor's folder
 * @param tokenizer the tokenizer that makes input ids
 * @param attentionMask whether the model takes a second input, the attention mask (default true)
 * @param padding which side shorter rows are padded on (default right)
 * @param maxLength longest row in tokens
 * @param addSpecialTokens put BOS first and EOS last (default true)
 * @param output the output's shape, {@code (B)} or {@code (B,1)}
 * @param sigmoid apply a sigmoid to the output, for models that return logits (default false)
 */
public record TorchScriptDescriptor(
    String model,
    TokenizerChoice tokenizer,
    Boolean attentionMask,
    PaddingSide padding,
    Integer maxLength,
    Boolean addSpecialTokens,
    ScoreShape output,
    Boolean sigmoid) {

  public TorchScriptDescriptor {
    if (model == null || model.isBlank()) {
      throw ConfigException.badValue("model", model, "the TorchScript file name, e.g. model.pt");
    }
    if (tokenizer == null) {
      throw ConfigException.badValue(
          "tokenizer", null, "{\"type\": \"characters\"} or {\"type\": \"huggingface\", ...}");
    }
    if (maxLength == null || maxLength < 2) {
      throw ConfigException.badValue("maxLength", maxLength, "an integer >= 2");
    }
    if (output == null) {
      throw ConfigException.badValue("output", null, "\"(B)\" or \"(B,1)\"");
    }
    attentionMask = attentionMask == null || attentionMask;
    padding = padding == null ? PaddingSide.RIGHT : padding;
    addSpecialTokens = addSpecialTokens == null || addSpecialTokens;
    sigmoid = sigmoid != null && sigmoid;
  }

  /** Reads a descriptor file; every error names the file and, where there is one, the key. */
  public static TorchScriptDescriptor read(Path file) {
    try {
      return JsonFiles.read(file, TorchScriptDescriptor.class);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such TorchScript reward descriptor");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
