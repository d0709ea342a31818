package io.tributary.tasks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws disjoint train and held-out splits from a {@link TaskGenerator}, deterministically from a
 * seed. The held-out split is drawn first, then train skips every problem already drawn, so no
 * held-out problem is ever trained on. Trace noise uses its own random stream: the prompts of a
 * seed are the same whatever the noise.
 */
public final class DatasetGenerator {
  private static final long NOISE_STREAM = 0x9E3779B97F4A7C15L;

  private DatasetGenerator() {}

  public static GeneratedSplits generate(
      TaskGenerator generator, int train, int heldout, long seed, double noise) {
    if (train < 0 || heldout < 0) {
      throw new IllegalArgumentException(
          "split sizes: got train " + train + ", heldout " + heldout + ", expected >= 0");
    }
    if (!(noise >= 0 && noise <= 1)) {
      throw new IllegalArgumentException(
          "noise: got " + noise + ", expected a probability in [0, 1]");
    }
    SplittableRandom problems = new SplittableRandom(seed);
    SplittableRandom traces = new SplittableRandom(seed ^ NOISE_STREAM);
    Set<String> seen = new HashSet<>();
    String task = generator.kind().configName();
    List<GeneratedInstance> heldoutDrawn = draw(generator, heldout, problems, seen, task);
    List<GeneratedInstance> trainDrawn = draw(generator, train, problems, seen, task);

    List<TaskPrompt> trainPrompts = prompts(trainDrawn, task, "train");
    List<TaskPrompt> heldoutPrompts = prompts(heldoutDrawn, task, "heldout");
    List<SftExample> sftTrain = new ArrayList<>();
    for (int i = 0; i < trainDrawn.size(); i++) {
      String completion = generator.completion(trainDrawn.get(i), noise, traces);
      sftTrain.add(sft(trainPrompts.get(i), completion));
    }
    List<SftExample> sftHeldout = new ArrayList<>();
    for (int i = 0; i < heldoutDrawn.size(); i++) {
      String completion = generator.completion(heldoutDrawn.get(i), 0.0, traces);
      sftHeldout.add(sft(heldoutPrompts.get(i), completion));
    }
    return new GeneratedSplits(trainPrompts, heldoutPrompts, sftTrain, sftHeldout);
  }

  private static List<GeneratedInstance> draw(
      TaskGenerator generator, int count, SplittableRandom random, Set<String> seen, String task) {
    List<GeneratedInstance> drawn = new ArrayList<>();
    // distinct problems get rare when the task space is small: fail clearly instead of looping
    int maxDraws = 50 * count + 1_000;
    for (int draws = 0; drawn.size() < count; draws++) {
      if (draws == maxDraws) {
        throw new IllegalArgumentException(
            task
                + ": found only "
                + drawn.size()
                + " new distinct problems of "
                + count
                + " asked in "
                + maxDraws
                + " draws; ask for fewer or raise the difficulty");
      }
      GeneratedInstance instance = generator.sample(random);
      if (seen.add(instance.key())) {
        drawn.add(instance);
      }
    }
    return drawn;
  }

  private static List<TaskPrompt> prompts(
      List<GeneratedInstance> instances, String task, String split) {
    List<TaskPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      GeneratedInstance instance = instances.get(i);
      String id = String.format("%s-%s-%06d", task, split, i);
      prompts.add(new TaskPrompt(id, instance.prompt(), instance.answer(), task, instance.extra()));
    }
    return prompts;
  }

  private static SftExample sft(TaskPrompt prompt, String completion) {
    return new SftExample(prompt.id(), prompt.prompt(), completion, prompt.task());
  }
}
