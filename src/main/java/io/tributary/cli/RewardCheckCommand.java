package io.tributary.cli;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardRegistry;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.reward.math.AnswerNormalizer;
import io.tributary.reward.math.MathRender;
import io.tributary.reward.rules.AccuracyReward;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary reward check --gold G --answer A}: the verdict of a reward on one answer and,
 * for {@code accuracy}, how each side was read (the mode that found the answer, the text it took,
 * the normalised text and the parsed form), so that a user can see why an answer scored as it did.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Score one answer against a gold answer and show how each side was read. Exit code 0"
            + " when the answer scores, whatever the score.")
final class RewardCheckCommand implements Callable<Integer> {
  @Option(names = "--gold", required = true, description = "the gold answer, as in a data set")
  String gold;

  @Option(
      names = "--answer",
      required = true,
      description = "the model's answer or whole completion")
  String answer;

  @Option(names = "--reward", description = "reward name (default: ${DEFAULT-VALUE})")
  String reward = "accuracy";

  @Option(
      names = "--param",
      description = "a reward param as key=value (repeatable), e.g. answerForm=expression")
  Map<String, String> params = new LinkedHashMap<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    print(out);
    out.flush();
    return 0;
  }

  private void print(PrintWriter out) {
    RewardFunction function = RewardRegistry.load().create(reward, typedParams());
    if (function instanceof AccuracyReward accuracy) {
      AccuracyReward.Check check = accuracy.check(gold, answer);
      out.println("gold:     " + quoted(gold));
      out.println("  normalised: " + quoted(AnswerNormalizer.normalize(gold)));
      out.println("  read as:    " + check.gold().map(MathRender::render).orElse("(unreadable)"));
      out.println("answer:   " + quoted(answer));
      check
          .answer()
          .ifPresentOrElse(
              found -> {
                out.println("  found by:   " + found.mode());
                out.println("  span:       " + quoted(found.span()));
                out.println("  normalised: " + quoted(AnswerNormalizer.normalize(found.span())));
                out.println("  read as:    " + MathRender.render(found.answer()));
              },
              () -> out.println("  found by:   (no mode found a readable answer)"));
      out.println("reason:   " + check.reason());
    }
    RewardResult result = function.score(Rollout.of("", answer, Map.of("answer", gold)));
    out.println("verdict:  " + verdict(result));
  }

  /** Numbers, booleans and comma lists from text, as a YAML config would give them. */
  private Map<String, Object> typedParams() {
    Map<String, Object> typed = new LinkedHashMap<>();
    params.forEach(
        (key, value) -> {
          Object v = value;
          if (value.equals("true") || value.equals("false")) {
            v = Boolean.parseBoolean(value);
          } else if (value.matches("-?\\d+")) {
            v = Long.parseLong(value);
          } else if (value.matches("-?\\d*\\.\\d+(?:[eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+")) {
            v = Double.parseDouble(value);
          } else if (key.equals("extract")) {
            v = List.of(value.split(","));
          }
          typed.put(key, v);
        });
    return typed;
  }

  private static String verdict(RewardResult result) {
    if (result instanceof RewardResult.Score s) {
      String word = s.value() >= 1.0 ? "correct" : s.value() <= 0.0 ? "incorrect" : "partial";
      return word + " (score " + s.value() + ")";
    }
    return result.toString();
  }

  private static String quoted(String s) {
    return "'" + s.replace("\n", "\\n") + "'";
  }
}
