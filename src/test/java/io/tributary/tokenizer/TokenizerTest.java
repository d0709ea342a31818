package io.tributary.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  static Path tinyBpe() throws URISyntaxException {
    return Path.of(TokenizerTest.class.getResource("/tokenizers/tiny-bpe.json").toURI());
  }

  @Test
  void charTokenizerMakesEachReasoningTagOneToken() {
    CharTokenizer tokenizer = new CharTokenizer();
    int[] ids = tokenizer.encode("<think>1+2=3</think><answer>3</answer>");
    assertThat(ids).hasSize(4 + 5 + 1);
    assertThat(ids[0]).isEqualTo(tokenizer.specialId("<think>"));
    assertThat(ids[6]).isEqualTo(tokenizer.specialId("</think>"));
    assertThat(tokenizer.decode(ids)).isEqualTo("<think>1+2=3</think><answer>3</answer>");
  }

  @Test
  void charTokenizerDropsControlTokensWhenDecodingAndMarksUnknownCharacters() {
    CharTokenizer tokenizer = new CharTokenizer();
    int[] ids = tokenizer.encode("a<b é");
    assertThat(tokenizer.decode(ids)).isEqualTo("a<b \uFFFD");
    int[] withControl = {tokenizer.bos(), ids[0], tokenizer.eos(), tokenizer.pad()};
    assertThat(tokenizer.decode(withControl)).isEqualTo("a");
    assertThat(tokenizer.vocabSize()).isEqualTo(8 + 96);
  }

  @Test
  void charTokenizerRebuildsFromItsSpec() {
    CharTokenizer tokenizer = new CharTokenizer("0123456789+-*/=");
    Tokenizer rebuilt = Tokenizer.fromSpec(tokenizer.spec());
    assertThat(rebuilt.encode("12+3=15")).containsExactly(tokenizer.encode("12+3=15"));
  }

  @Test
  void huggingFaceTokenizerLoadsALocalTokenizerJsonOffline() throws Exception {
    try (HfTokenizer tokenizer = HfTokenizer.load(tinyBpe(), "<s>", "</s>", "<pad>")) {
      int[] ids = tokenizer.encode("the answer is 12");
      assertThat(ids.length).isLessThan("the answer is 12".length()); // merges applied
      assertThat(tokenizer.decode(ids)).isEqualTo("the answer is 12");
      assertThat(tokenizer.bos()).isEqualTo(1);
      assertThat(tokenizer.eos()).isEqualTo(2);
      assertThat(tokenizer.pad()).isEqualTo(0);
      assertThat(tokenizer.specialId("<answer>")).isEqualTo(3);
      assertThat(tokenizer.vocabSize()).isEqualTo(5 + 256 + 11);
      try (Tokenizer rebuilt = Tokenizer.fromSpec(tokenizer.spec())) {
        assertThat(rebuilt.encode("the answer is 12")).containsExactly(ids);
      }
    }
  }

  @Test
  void huggingFaceTokenizerRejectsASpecialTokenItDoesNotHave() {
    assertThatThrownBy(() -> HfTokenizer.load(tinyBpe(), "<|begin|>", "</s>", "<pad>"))
        .hasMessageContaining("bosToken")
        .hasMessageContaining("<|begin|>");
  }
}
