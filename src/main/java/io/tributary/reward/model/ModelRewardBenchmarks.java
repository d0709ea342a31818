package io.tributary.reward.model;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The model-based rewards for {@code bench rewards}: the trained reward model and the TorchScript
 * one, each loaded by name through the registry as a config would, on {@code device}. A path that
 * does not exist is reported through {@code note} and left out rather than failing the benchmark.
 */
public final class ModelRewardBenchmarks {
  private ModelRewardBenchmarks() {}

  public static Map<String, Supplier<RewardFunction>> suppliers(
      Path rewardModel, Path torchScriptDescriptor, String device, Consumer<String> note) {
    Map<String, Supplier<RewardFunction>> out = new LinkedHashMap<>();
    RewardRegistry registry = RewardRegistry.load();
    add(out, registry, "reward_model", rewardModel, device, note);
    add(out, registry, "torchscript_reward", torchScriptDescriptor, device, note);
    return out;
  }

  private static void add(
      Map<String, Supplier<RewardFunction>> out,
      RewardRegistry registry,
      String name,
      Path path,
      String device,
      Consumer<String> note) {
    if (path == null) {
      return;
    }
    Path resolved = path;
    String home = System.getenv("TRIBUTARY_HOME");
    if (!Files.exists(resolved) && !resolved.isAbsolute() && home != null) {
      resolved = Path.of(home).resolve(path);
    }
    if (!Files.exists(resolved)) {
      note.accept(name + ": skipped, " + path + " does not exist");
      return;
    }
    Path found = resolved;
    out.put(
        name,
        () ->
            registry.create(
                name, Map.of("path", found.toString(), "batchSize", 32, "device", device)));
  }
}
