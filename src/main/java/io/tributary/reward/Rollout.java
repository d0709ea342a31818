package io.tributary.reward;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One completion to score: the prompt, the completion text and token ids, and the dataset record's
 * other fields (for example {@code "answer"}, the gold answer) that reach every reward function.
 *
 * <p>Token ids are an {@code int[]} because the sampler hands them over as one; equality compares
 * their contents.
 */
public record Rollout(
    String prompt, String completion, int[] completionTokenIds, Map<String, Object> fields) {
  public Rollout {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(completion, "completion");
    completionTokenIds = completionTokenIds == null ? new int[0] : completionTokenIds;
    // dataset records may hold JSON nulls, which Map.copyOf rejects
    fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A rollout without token ids, for rewards that read only the text. */
  public static Rollout of(String prompt, String completion, Map<String, Object> fields) {
    return new Rollout(prompt, completion, new int[0], fields);
  }

  public boolean hasTokenIds() {
    return completionTokenIds.length > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rollout r
        && prompt.equals(r.prompt)
        && completion.equals(r.completion)
        && Arrays.equals(completionTokenIds, r.completionTokenIds)
        && fields.equals(r.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompt, completion, Arrays.hashCode(completionTokenIds), fields);
  }

  @Override
  public String toString() {
    return "Rollout[prompt="
        + abbreviate(prompt)
        + ", completion="
        + abbreviate(completion)
        + ", tokens="
        + completionTokenIds.length
        + ", fields="
        + fields.keySet()
        + "]";
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 37) + "...'";
  }
}
