package io.tributary.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, loaded from a local file
 * only (the binding's native library ships in its jar; nothing is fetched).
 */
public final class HfTokenizer implements Tokenizer {
  private final HuggingFaceTokenizer tokenizer;
  private final TokenizerSpec.HuggingFace spec;
  private final int bos;
  private final int eos;
  private final int pad;
  private final int vocabSize;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, TokenizerSpec.HuggingFace spec) {
    this.tokenizer = tokenizer;
    this.spec = spec;
    this.bos = specialTokenId(spec.bosToken(), "bosToken");
    this.eos = specialTokenId(spec.eosToken(), "eosToken");
    this.pad = specialTokenId(spec.padToken(), "padToken");
    this.vocabSize = vocabularySize(spec.tokenizerJson());
  }

  /** Loads {@code tokenizer.json}; the three names must be tokens of its vocabulary. */
  public static HfTokenizer load(Path tokenizerJson, String bos, String eos, String pad) {
    String text;
    try {
      text = Files.readString(tokenizerJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          tokenizerJson + ": cannot read tokenizer: " + e.getMessage(), e);
    }
    return fromSpec(new TokenizerSpec.HuggingFace(text, bos, eos, pad));
  }

  static HfTokenizer fromSpec(TokenizerSpec.HuggingFace spec) {
    try {
      Path file = Files.createTempFile("tributary-tokenizer", ".json");
      try {
        Files.writeString(file, spec.tokenizerJson(), StandardCharsets.UTF_8);
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .build();
        return new HfTokenizer(tokenizer, spec);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "tokenizer.json could not be loaded: " + e.getMessage(), e);
    }
  }

  private int specialTokenId(String token, String key) {
    long[] ids = tokenizer.encode(token, false, false).getIds();
    if (ids.length != 1) {
      throw new IllegalArgumentException(
          key + ": '" + token + "' is not a single token of this tokenizer.json");
    }
    return (int) ids[0];
  }

  private static int vocabularySize(String json) {
    try {
      var root = io.tributary.json.Json.mapper().readTree(json);
      int max = -1;
      var vocab = root.path("model").path("vocab");
      for (var it = vocab.elements(); it.hasNext(); ) {
        max = Math.max(max, it.next().asInt());
      }
      for (var added : root.path("added_tokens")) {
        max = Math.max(max, added.path("id").asInt());
      }
      return max + 1;
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public int[] encode(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /**
   * A prompt as transformers encodes it ({@code add_special_tokens=True}): the tokenizer.json's own
   * post-processor decides what comes first, a BOS for Llama, Mixtral and DeepSeek-V3 and nothing
   * for Qwen. Prepending our BOS regardless gave a Qwen model a prompt it was never trained on (an
   * EOS standing in for the missing BOS). An empty result still starts with BOS, so the sampler
   * always has a position to continue from. A prompt rendered by a chat template that writes the
   * BOS itself (DeepSeek-V3's) is encoded as it stands, as transformers' {@code
   * apply_chat_template} encodes it, so it does not get a second BOS.
   */
  @Override
  public int[] encodePrompt(String text) {
    boolean carriesBos =
        !spec.bosToken().equals(spec.eosToken()) && text.startsWith(spec.bosToken());
    long[] ids = tokenizer.encode(text, !carriesBos, false).getIds();
    if (ids.length == 0) {
      return new int[] {bos};
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    long[] longs =
        java.util.Arrays.stream(ids)
            .filter(i -> i != bos && i != eos && i != pad)
            .asLongStream()
            .toArray();
    return tokenizer.decode(longs, false);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int bos() {
    return bos;
  }

  @Override
  public int eos() {
    return eos;
  }

  @Override
  public int pad() {
    return pad;
  }

  @Override
  public int specialId(String token) {
    long[] ids = tokenizer.encode(token, false, false).getIds();
    return ids.length == 1 ? (int) ids[0] : -1;
  }

  @Override
  public TokenizerSpec.HuggingFace spec() {
    return spec;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
