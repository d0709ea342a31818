package io.tributary.reward.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tributary.config.ConfigException;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.tokenizer.HfTokenizer;
import io.tributary.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code tokenizer} of a TorchScript reward descriptor: the character tokenizer (optionally
 * with its own alphabet), or a Hugging Face {@code tokenizer.json} beside the descriptor.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TokenizerChoice.Characters.class, name = "characters"),
  @JsonSubTypes.Type(value = TokenizerChoice.HuggingFace.class, name = "huggingface")
})
public sealed interface TokenizerChoice {
  /** Builds the tokenizer; relative paths are resolved against {@code dir}. */
  Tokenizer open(Path dir);

  record Characters(String alphabet) implements TokenizerChoice {
    @Override
    public Tokenizer open(Path dir) {
      return alphabet == null ? new CharTokenizer() : new CharTokenizer(alphabet);
    }
  }

  /**
   * @param path the tokenizer.json file, relative to the descriptor's folder
   * @param bosToken, eosToken, padToken names of the special tokens in that file
   */
  record HuggingFace(String path, String bosToken, String eosToken, String padToken)
      implements TokenizerChoice {
    public HuggingFace {
      if (path == null || path.isBlank()) {
        throw ConfigException.badValue("tokenizer.path", path, "the path of a tokenizer.json");
      }
      for (String[] token : new String[][] {{"bosToken", bosToken}, {"eosToken", eosToken}}) {
        if (token[1] == null || token[1].isEmpty()) {
          throw ConfigException.badValue("tokenizer." + token[0], token[1], "a token of the file");
        }
      }
    }

    @Override
    public Tokenizer open(Path dir) {
      Path file = dir.resolve(path);
      if (!Files.isRegularFile(file)) {
        throw ConfigException.badValue("tokenizer.path", path, "a file; " + file + " is none");
      }
      return HfTokenizer.load(file, bosToken, eosToken, padToken == null ? eosToken : padToken);
    }
  }
}
