package io.tributary.tasks;

import java.util.SplittableRandom;

/** A seeded source of problems of one task, with their reference reasoning traces. */
public interface TaskGenerator {
  TaskKind kind();

  /** Draws one instance; equal random states draw equal instances. */
  GeneratedInstance sample(SplittableRandom random);

  /**
   * The SFT completion {@code <think>steps</think><answer>answer</answer>} for {@code instance}.
   * With {@code noise} p > 0 each step goes wrong by ±1 with probability p (what "wrong" means is
   * task-specific) and the answer follows the wrong steps; p = 0 gives the correct derivation.
   */
  String completion(GeneratedInstance instance, double noise, SplittableRandom random);
}
