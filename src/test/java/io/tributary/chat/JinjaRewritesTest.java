package io.tributary.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JinjaRewritesTest {

  @Test
  void aReversedSliceBecomesTheReverseFilter() {
    assertThat(JinjaRewrites.apply("{%- for m in messages[::-1] %}"))
        .isEqualTo("{%- for m in messages|reverse %}");
  }

  @Test
  void keywordArgumentValuesAreParenthesised() {
    assertThat(JinjaRewrites.apply("{% set ns = namespace(a=true, i=messages|length - 1) %}"))
        .isEqualTo("{% set ns = namespace(a=(true), i=(messages|length - 1)) %}");
  }

  @Test
  void comparisonsAndPositionalArgumentsAreLeftAlone() {
    String tag = "{{ f(a == b, c) }}{% if x.startswith('=') %}{% endif %}";

    assertThat(JinjaRewrites.apply(tag)).isEqualTo(tag);
  }

  @Test
  void textOutsideTagsAndQuotedLiteralsAreNeverRewritten() {
    String template = "keep [::-1] and f(a=1) {{ 'x[::-1]' + 'g(k=v)' }}";

    assertThat(JinjaRewrites.apply(template)).isEqualTo(template);
  }
}
