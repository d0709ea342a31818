package io.tributary.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tributary.json.Json;
import io.tributary.model.Completion;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.train.OptimizerConfig;
import io.tributary.train.SftExample;
import io.tributary.train.SftTrainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tributary bench device}: the policy on the engine's device against the same policy on the
 * CPU, from the same seed: the largest logit difference of a forward pass, how many greedy tokens
 * agree, the loss curves of a few SFT steps on the same batches, and the training and generation
 * rates of each. The check a user runs first on a CUDA machine; it ends with one JSON line.
 */
public final class DeviceCheck {
  private DeviceCheck() {}

  /** Steps of the loss comparison and rows of each batch. */
  public record Settings(int steps, int batch, int length, int newTokens) {
    public static Settings defaults() {
      return new Settings(20, 32, 64, 32);
    }
  }

  public static Map<String, Object> run(ModelConfig config, Settings s, PrintStream out) {
    Engine engine = Engine.getInstance();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("benchmark", "device");
    r.put("engine", engine.getEngineName() + " " + engine.getVersion());
    r.put("gpu_count", engine.getGpuCount());
    List<SftExample> first = ModelBenchmark.examples(s.batch(), s.length(), config.vocabSize(), 11);
    try (PolicyModel cpu =
            PolicyModel.create(config.toBuilder().device(DeviceChoice.CPU).build(), 1);
        PolicyModel dev =
            PolicyModel.create(config.toBuilder().device(DeviceChoice.AUTO).build(), 1)) {
      Device device = dev.device();
      r.put("device", device.toString());
      out.printf(
          "engine %s, %d GPU(s), checking %s against cpu%n",
          r.get("engine"), engine.getGpuCount(), device);
      r.put("forward_max_abs_logit_diff", maxLogitDifference(cpu, dev, first));

      List<int[]> prompts = ModelBenchmark.randomRows(8, 12, config.vocabSize(), 5);
      SamplingParams greedy =
          new SamplingParams(0.0, 1.0, 0, s.newTokens(), new int[0], 0, new int[] {0}, true);
      long[] seeds = new long[prompts.size()];
      List<Completion> a = Sampler.generate(cpu, prompts, greedy, seeds);
      List<Completion> b = Sampler.generate(dev, prompts, greedy, seeds);
      int same = 0;
      int total = 0;
      for (int i = 0; i < a.size(); i++) {
        int[] x = a.get(i).tokens();
        int[] y = b.get(i).tokens();
        // tokens agree up to the first difference; after it the prefixes differ, so stop there
        int k = 0;
        while (k < Math.min(x.length, y.length) && x[k] == y[k]) {
          k++;
        }
        same += k;
        total += x.length;
      }
      r.put("greedy_tokens_agreeing_before_first_difference", same + "/" + total);

      SftTrainer cpuTrainer = new SftTrainer(cpu, OptimizerConfig.of(1e-3, s.steps()), 0);
      SftTrainer devTrainer = new SftTrainer(dev, OptimizerConfig.of(1e-3, s.steps()), 0);
      double maxLossDiff = 0;
      double[] cpuSeconds = new double[s.steps()];
      double[] devSeconds = new double[s.steps()];
      double cpuLoss = 0;
      double devLoss = 0;
      double firstLoss = 0;
      for (int step = 0; step < s.steps(); step++) {
        List<SftExample> batch =
            ModelBenchmark.examples(s.batch(), s.length(), config.vocabSize(), 100 + step);
        long t0 = System.nanoTime();
        cpuLoss = cpuTrainer.step(batch).loss();
        long t1 = System.nanoTime();
        devLoss = devTrainer.step(batch).loss();
        long t2 = System.nanoTime();
        cpuSeconds[step] = (t1 - t0) / 1e9;
        devSeconds[step] = (t2 - t1) / 1e9;
        maxLossDiff = Math.max(maxLossDiff, Math.abs(cpuLoss - devLoss));
        if (step == 0) {
          firstLoss = cpuLoss;
        }
        if (step % 5 == 0 || step == s.steps() - 1) {
          out.printf("  SFT step %2d: loss cpu %.5f  %s %.5f%n", step, cpuLoss, device, devLoss);
        }
      }
      r.put("sft_steps", s.steps());
      r.put("sft_loss_first", firstLoss);
      r.put("sft_loss_last_cpu", cpuLoss);
      r.put("sft_loss_last_device", devLoss);
      r.put("sft_max_abs_loss_diff", maxLossDiff);
      long tokens = (long) s.batch() * (s.length() - 1);
      double[] cpuSteady = java.util.Arrays.copyOfRange(cpuSeconds, 2, s.steps());
      double[] devSteady = java.util.Arrays.copyOfRange(devSeconds, 2, s.steps());
      r.put("train_tokens_per_s_cpu", tokens / Measure.median(cpuSteady));
      r.put("train_tokens_per_s_device", tokens / Measure.median(devSteady));
      r.put("after_training_max_abs_logit_diff", maxLogitDifference(cpu, dev, first));
    }
    out.println(Json.write(r));
    return r;
  }

  private static double maxLogitDifference(
      PolicyModel cpu, PolicyModel dev, List<SftExample> examples) {
    int[][] rows = new int[examples.size()][];
    for (int i = 0; i < rows.length; i++) {
      SftExample e = examples.get(i);
      int[] row = new int[e.prompt().length + e.completion().length];
      System.arraycopy(e.prompt(), 0, row, 0, e.prompt().length);
      System.arraycopy(e.completion(), 0, row, e.prompt().length, e.completion().length);
      rows[i] = row;
    }
    try (GradMode ignored = GradMode.disabled();
        NDManager a = cpu.manager().newSubManager();
        NDManager b = dev.manager().newSubManager()) {
      NDArray x = cpu.logits(a, rows, RoutingContext.inference());
      NDArray y = dev.logits(b, rows, RoutingContext.inference()).toDevice(Device.cpu(), true);
      try (NDArray diff = x.sub(y).abs()) {
        return diff.max().getFloat();
      }
    }
  }
}
