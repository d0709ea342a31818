package io.tributary.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.hf.HfTokenizers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A prompt's first tokens, as transformers gives them, with and without a chat template. */
class HfTokenizerPromptTest {
  private static final Path DEEPSEEK = Path.of("src/test/resources/hf/deepseek_v3");
  private static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");

  @Test
  void aBarePromptGetsTheBosTheTokenizersPostProcessorAdds() {
    try (HfTokenizer tokenizer = HfTokenizers.load(DEEPSEEK)) {
      int[] ids = tokenizer.encodePrompt("1 + 2 =");
      assertThat(ids[0]).isEqualTo(tokenizer.bos());
      assertThat(count(ids, tokenizer.bos())).isEqualTo(1);
    }
  }

  @Test
  void aPromptRenderedWithItsBosByAChatTemplateGetsNoSecondOne() {
    try (HfTokenizer tokenizer = HfTokenizers.load(DEEPSEEK)) {
      String rendered = "<｜begin▁of▁sentence｜><｜User｜>1 + 2 =<｜Assistant｜>";
      int[] ids = tokenizer.encodePrompt(rendered);
      assertThat(ids[0]).isEqualTo(tokenizer.bos());
      assertThat(count(ids, tokenizer.bos())).isEqualTo(1);
      assertThat(ids).isEqualTo(tokenizer.encode(rendered));
    }
  }

  @Test
  void aModelWithoutBosGetsNothingPrepended() {
    try (HfTokenizer tokenizer = HfTokenizers.load(QWEN3)) {
      String rendered = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n";
      assertThat(tokenizer.encodePrompt(rendered)).isEqualTo(tokenizer.encode(rendered));
    }
  }

  private static long count(int[] ids, int id) {
    return java.util.Arrays.stream(ids).filter(i -> i == id).count();
  }
}
