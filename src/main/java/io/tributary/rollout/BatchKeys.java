package io.tributary.rollout;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.MathUtils;

/**
 * Keys that spread prompts evenly over the micro-batching subtasks. Keying by {@code hash % p}
 * alone can send two of the p keys to one subtask (keys map to key groups, key groups to subtasks),
 * leaving another idle; so for each subtask we find an integer key that Flink routes to it, and a
 * prompt's bucket picks one of those keys.
 */
public final class BatchKeys implements KeySelector<ValidPrompt, Integer> {
  private final int[] keys;

  private BatchKeys(int[] keys) {
    this.keys = keys;
  }

  public static BatchKeys of(int parallelism, int maxParallelism) {
    int[] keys = new int[parallelism];
    boolean[] found = new boolean[parallelism];
    int left = parallelism;
    for (int candidate = 0; left > 0; candidate++) {
      int subtask =
          KeyGroupRangeAssignment.assignKeyToParallelOperator(
              candidate, maxParallelism, parallelism);
      if (!found[subtask]) {
        found[subtask] = true;
        keys[subtask] = candidate;
        left--;
      }
    }
    return new BatchKeys(keys);
  }

  @Override
  public Integer getKey(ValidPrompt prompt) {
    // String.hashCode's parity is the parity of the sum of the characters, and ids such as
    // "b17@file:18" move their digits together: taken mod 2 it sent 909 of 1000 prompts to one
    // subtask. Mixing the bits first spreads any ids evenly.
    return keys[Math.floorMod(MathUtils.murmurHash(prompt.groupId().hashCode()), keys.length)];
  }
}
