package io.tributary.tokenizer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The description of a tokenizer saved in checkpoints: enough to rebuild it exactly, offline. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TokenizerSpec.Characters.class, name = "characters"),
  @JsonSubTypes.Type(value = TokenizerSpec.HuggingFace.class, name = "huggingface")
})
public sealed interface TokenizerSpec {

  /** The character-level tokenizer: its alphabet after the fixed special tokens. */
  record Characters(String alphabet) implements TokenizerSpec {}

  /**
   * A Hugging Face tokenizer: the whole tokenizer.json text (so a checkpoint is self-contained) and
   * the names of its BOS, EOS and PAD tokens.
   */
  record HuggingFace(String tokenizerJson, String bosToken, String eosToken, String padToken)
      implements TokenizerSpec {}
}
