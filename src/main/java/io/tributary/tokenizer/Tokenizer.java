package io.tributary.tokenizer;

/**
 * Text to token ids and back. Ids are dense in [0, vocabSize). The special tokens BOS, EOS and PAD
 * always exist; encode never adds them on its own.
 */
public interface Tokenizer extends AutoCloseable {
  int[] encode(String text);

  /** Text of the ids; BOS, EOS and PAD are dropped, other special tokens kept as text. */
  String decode(int[] ids);

  int vocabSize();

  /**
   * A prompt as the policy sees it: BOS, then the text. The one place that decides it, because the
   * sampler, the rollout job and the learner must agree token for token.
   */
  default int[] encodePrompt(String text) {
    int[] body = encode(text);
    int[] tokens = new int[body.length + 1];
    tokens[0] = bos();
    System.arraycopy(body, 0, tokens, 1, body.length);
    return tokens;
  }

  int bos();

  int eos();

  int pad();

  /** What a checkpoint stores to rebuild this tokenizer. */
  TokenizerSpec spec();

  /** The id of a special token such as {@code <answer>}, or -1 when this tokenizer has none. */
  default int specialId(String token) {
    return -1;
  }

  @Override
  default void close() {}

  static Tokenizer fromSpec(TokenizerSpec spec) {
    if (spec instanceof TokenizerSpec.Characters c) {
      return new CharTokenizer(c.alphabet());
    }
    if (spec instanceof TokenizerSpec.OfBase) {
      throw new IllegalArgumentException(
          "tokenizer: an adapter-only checkpoint names its base's tokenizer; resolve it with"
              + " Checkpoint.tokenizer() first");
    }
    return HfTokenizer.fromSpec((TokenizerSpec.HuggingFace) spec);
  }
}
