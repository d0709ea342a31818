package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which projections a {@link LoraConfig} adapts. A target is a shorthand or a regular expression
 * matched against the whole plain parameter name ({@code layer0_attention_wq}, {@code
 * layer1_moe_expert3_w2}, {@code layer0_ffn_w1}, {@code layer1_moe_shared_w3}).
 *
 * <p>Shorthands: {@code attention} (wq, wk, wv, wo, and multi-head latent attention's wq_a, wq_b,
 * wkv_a, wkv_b), {@code mlp} (the dense layers' SwiGLU), {@code experts} (routed and shared
 * experts), {@code all} (every projection), Tributary's own names {@code wq wk wv wo w1 w2 w3}, and
 * the Hugging Face module names PEFT users write ({@code q_proj k_proj v_proj o_proj gate_proj
 * up_proj down_proj}, and DeepSeek-V3's latent attention {@code q_a_proj q_b_proj
 * kv_a_proj_with_mqa kv_b_proj}), which like PEFT's suffix match reach the same projection in every
 * layer, dense or expert.
 */
public final class LoraTargets {
  /** The projections an adapter can sit on: a weight that enters its block through a linear. */
  static final Pattern ADAPTABLE =
      Pattern.compile(
          "layer\\d+_(attention_w(q|k|v|o|q_a|q_b|kv_a|kv_b)|(ffn|moe_expert\\d+|moe_shared)_w[123])");

  private static final String ANY_FFN = "layer\\d+_(ffn|moe_expert\\d+|moe_shared)_";
  private static final Map<String, String> SHORTHANDS =
      Map.ofEntries(
          Map.entry("all", ADAPTABLE.pattern()),
          Map.entry("attention", "layer\\d+_attention_w(q|k|v|o|q_a|q_b|kv_a|kv_b)"),
          Map.entry("mlp", "layer\\d+_ffn_w[123]"),
          Map.entry("experts", "layer\\d+_(moe_expert\\d+|moe_shared)_w[123]"),
          Map.entry("wq", "layer\\d+_attention_wq"),
          Map.entry("wk", "layer\\d+_attention_wk"),
          Map.entry("wv", "layer\\d+_attention_wv"),
          Map.entry("wo", "layer\\d+_attention_wo"),
          Map.entry("q_proj", "layer\\d+_attention_wq"),
          Map.entry("k_proj", "layer\\d+_attention_wk"),
          Map.entry("v_proj", "layer\\d+_attention_wv"),
          Map.entry("o_proj", "layer\\d+_attention_wo"),
          Map.entry("wq_a", "layer\\d+_attention_wq_a"),
          Map.entry("wq_b", "layer\\d+_attention_wq_b"),
          Map.entry("wkv_a", "layer\\d+_attention_wkv_a"),
          Map.entry("wkv_b", "layer\\d+_attention_wkv_b"),
          Map.entry("q_a_proj", "layer\\d+_attention_wq_a"),
          Map.entry("q_b_proj", "layer\\d+_attention_wq_b"),
          Map.entry("kv_a_proj_with_mqa", "layer\\d+_attention_wkv_a"),
          Map.entry("kv_b_proj", "layer\\d+_attention_wkv_b"),
          Map.entry("w1", ANY_FFN + "w1"),
          Map.entry("w3", ANY_FFN + "w3"),
          Map.entry("w2", ANY_FFN + "w2"),
          Map.entry("gate_proj", ANY_FFN + "w1"),
          Map.entry("up_proj", ANY_FFN + "w3"),
          Map.entry("down_proj", ANY_FFN + "w2"));

  private final List<Pattern> patterns;

  private LoraTargets(List<Pattern> patterns) {
    this.patterns = patterns;
  }

  public static LoraTargets of(List<String> targets) {
    List<Pattern> out = new ArrayList<>();
    for (String t : targets) {
      out.add(compile(t));
    }
    return new LoraTargets(out);
  }

  static Pattern compile(String target) {
    String regex = SHORTHANDS.getOrDefault(target, target);
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw badValue(
          "lora.targets",
          target,
          "a shorthand "
              + SHORTHANDS.keySet().stream().sorted().toList()
              + " or a regular expression over parameter names ("
              + e.getDescription()
              + ")");
    }
  }

  /** Whether the projection with plain name {@code name} gets an adapter. */
  public boolean matches(String name) {
    if (!ADAPTABLE.matcher(name).matches()) {
      return false;
    }
    for (Pattern p : patterns) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The targets that reach none of {@code names}: each one is a user's mistake to report. */
  List<String> unmatched(List<String> targets, List<String> names) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Pattern p = patterns.get(i);
      boolean any = false;
      for (String n : names) {
        any |= ADAPTABLE.matcher(n).matches() && p.matcher(n).matches();
      }
      if (!any) {
        out.add(targets.get(i));
      }
    }
    return out;
  }
}
