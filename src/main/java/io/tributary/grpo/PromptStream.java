package io.tributary.grpo;

import io.tributary.tasks.TaskPrompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Training prompts in a seeded shuffled order, epoch after epoch. */
public final class PromptStream {
  private final List<TaskPrompt> prompts;
  private final Random random;
  private List<TaskPrompt> order = List.of();
  private int next;
  private int epoch;

  public PromptStream(List<TaskPrompt> prompts, long seed) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("prompts: the training set is empty");
    }
    this.prompts = List.copyOf(prompts);
    this.random = new Random(seed);
  }

  public List<TaskPrompt> take(int n) {
    List<TaskPrompt> out = new ArrayList<>(n);
    while (out.size() < n) {
      if (next >= order.size()) {
        List<TaskPrompt> shuffled = new ArrayList<>(prompts);
        Collections.shuffle(shuffled, random);
        order = shuffled;
        next = 0;
        epoch++;
      }
      out.add(order.get(next++));
    }
    return out;
  }

  public int epoch() {
    return epoch;
  }
}
