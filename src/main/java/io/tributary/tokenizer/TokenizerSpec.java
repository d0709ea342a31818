package io.tributary.tokenizer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The description of a tokenizer saved in checkpoints: enough to rebuild it exactly, offline. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TokenizerSpec.Characters.class, name = "characters"),
  @JsonSubTypes.Type(value = TokenizerSpec.HuggingFace.class, name = "huggingface"),
  @JsonSubTypes.Type(value = TokenizerSpec.OfBase.class, name = "base")
})
public sealed interface TokenizerSpec {

  /** The character-level tokenizer: its alphabet after the fixed special tokens. */
  record Characters(String alphabet) implements TokenizerSpec {}

  /**
   * A Hugging Face tokenizer: the whole tokenizer.json text (so a checkpoint is self-contained) and
   * the names of its BOS, EOS and PAD tokens.
   */
  record HuggingFace(String tokenizerJson, String bosToken, String eosToken, String padToken)
      implements TokenizerSpec {

    /** Hex SHA-256 of tokenizer.json's UTF-8 bytes: equal to the file's own when read from one. */
    public String sha256() {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest(tokenizerJson.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    /** This tokenizer named, not copied: what an adapter-only checkpoint stores. */
    public OfBase asReference() {
      return new OfBase(sha256(), bosToken, eosToken, padToken);
    }
  }

  /**
   * The tokenizer of an adapter-only checkpoint's base, named by the SHA-256 of its tokenizer.json
   * with the special tokens the run used. A real tokenizer.json is megabytes (Qwen3's about 11 MB)
   * against a few MB of rank-16 adapters, and every version a LoRA run publishes would copy it
   * again; the base holds it already, so the version names it and the loader checks the hash.
   */
  record OfBase(String tokenizerSha256, String bosToken, String eosToken, String padToken)
      implements TokenizerSpec {
    public OfBase {
      if (tokenizerSha256 == null || tokenizerSha256.length() != 64) {
        throw new IllegalArgumentException("tokenizer.tokenizerSha256: expected 64 hex digits");
      }
    }

    /**
     * The base's tokenizer with this reference's special tokens, if {@code base} (its
     * tokenizer.json text) is the one the adapters were trained with; fails naming both hashes
     * otherwise.
     */
    public HuggingFace resolve(String baseTokenizerJson, String where) {
      HuggingFace candidate = new HuggingFace(baseTokenizerJson, bosToken, eosToken, padToken);
      String actual = candidate.sha256();
      if (!actual.equals(tokenizerSha256)) {
        throw new IllegalArgumentException(
            where
                + ": the base's tokenizer.json changed since the adapters were trained: it hashes"
                + " to SHA-256 "
                + actual
                + ", the adapters name "
                + tokenizerSha256);
      }
      return candidate;
    }
  }
}
