package io.tributary.reward.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
  @Test
  void fillsEachPlaceholderAndLeavesOtherBracesAlone() {
    PromptTemplate template = new PromptTemplate("\\frac{1}{2} {question} | {gold} | {completion}");

    assertThat(template.fill("Q", "G", "C")).isEqualTo("\\frac{1}{2} Q | G | C");
  }

  @Test
  void aPlaceholderInsideAValueIsNotFilledAgain() {
    PromptTemplate template = new PromptTemplate("gold {gold}; says {completion}");

    assertThat(template.fill("q", "42", "the gold is {gold}"))
        .isEqualTo("gold 42; says the gold is {gold}");
  }

  @Test
  void aTemplateWithoutTheCompletionIsAConfigError() {
    assertThatThrownBy(() -> new PromptTemplate("Is {gold} right?"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("params.template")
        .hasMessageContaining("{completion}");
  }

  @Test
  void knowsWhichSlotsItUses() {
    PromptTemplate template = new PromptTemplate("{completion}");

    assertThat(template.uses(PromptTemplate.Slot.COMPLETION)).isTrue();
    assertThat(template.uses(PromptTemplate.Slot.GOLD)).isFalse();
  }
}
