package io.tributary.run;

import io.tributary.grpo.Evaluator;
import io.tributary.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The run and a replayed variant side by side: held-out pass@1 and pass@k at each version either
 * was evaluated at, as {@code comparison.md} and {@code comparison.json} in the variant's
 * directory. A side not evaluated at a version shows "-" and is absent from the JSON.
 */
final class ReplayComparison {
  static final String MARKDOWN = "comparison.md";
  static final String JSON = "comparison.json";

  private ReplayComparison() {}

  /** Writes both files; returns the markdown one. */
  static Path write(
      Path dir,
      List<String> sets,
      int k,
      Map<Long, Map<String, Object>> original,
      Map<Long, Evaluator.Result> variant) {
    String name = String.join(" ", sets);
    StringBuilder md = new StringBuilder();
    md.append("# Replay: the run against ").append(name).append("\n\n");
    md.append(
        "Trained on the same recorded groups in the same order; held-out prompts of the run.\n\n");
    md.append("| version | run pass@1 | variant pass@1 | run pass@")
        .append(k)
        .append(" | variant pass@")
        .append(k)
        .append(" |\n|---|---|---|---|---|\n");
    List<Map<String, Object>> rows = new ArrayList<>();
    SortedSet<Long> versions = new TreeSet<>(original.keySet());
    versions.addAll(variant.keySet());
    for (long version : versions) {
      Map<String, Object> o = original.get(version);
      Evaluator.Result v = variant.get(version);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("version", version);
      if (o != null) {
        row.put("run_pass_at_1", o.get("pass_at_1"));
        row.put("run_pass_at_k", o.get("pass_at_k"));
      }
      if (v != null) {
        row.put("variant_pass_at_1", v.passAt1());
        row.put("variant_pass_at_k", v.passAtK());
      }
      rows.add(row);
      md.append("| ")
          .append(version)
          .append(" | ")
          .append(shown(row.get("run_pass_at_1")))
          .append(" | ")
          .append(shown(row.get("variant_pass_at_1")))
          .append(" | ")
          .append(shown(row.get("run_pass_at_k")))
          .append(" | ")
          .append(shown(row.get("variant_pass_at_k")))
          .append(" |\n");
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("variant", sets);
    json.put("k", k);
    json.put("versions", rows);
    RunReplay.writeString(dir.resolve(JSON), Json.write(json) + "\n");
    Path markdown = dir.resolve(MARKDOWN);
    RunReplay.writeString(markdown, md.toString());
    return markdown;
  }

  private static String shown(Object value) {
    return value instanceof Number n ? String.format("%.3f", n.doubleValue()) : "-";
  }
}
