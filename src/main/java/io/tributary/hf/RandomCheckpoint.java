package io.tributary.hf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model directory of random weights in the layout of a config: for benchmarks and load
 * measurements that need a real-sized checkpoint without downloading one. Each tensor's values are
 * made only when the writer reaches it, from a seed derived from its name, so the directory is
 * reproducible and writing it holds one tensor at a time.
 */
public final class RandomCheckpoint {
  /**
   * The Qwen3-0.6B architecture (596M parameters, tied embeddings), as its config.json gives it.
   */
  public static final String QWEN3_0_6B_CONFIG =
      """
      {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 1024,
       "intermediate_size": 3072, "num_hidden_layers": 28, "num_attention_heads": 16,
       "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936, "rms_norm_eps": 1e-06,
       "rope_theta": 1000000, "rope_scaling": null, "max_position_embeddings": 40960,
       "hidden_act": "silu", "attention_bias": false, "attention_dropout": 0.0,
       "use_sliding_window": false, "sliding_window": null, "max_window_layers": 28,
       "tie_word_embeddings": true, "torch_dtype": "bfloat16", "bos_token_id": 151643,
       "eos_token_id": 151645}
      """;

  private RandomCheckpoint() {}

  public static HfConfig qwen3_0_6b() {
    return HfConfig.parse(QWEN3_0_6B_CONFIG, "Qwen3-0.6B config.json");
  }

  /**
   * Writes config.json and random weights (norm gains 1, other values uniform in +-0.02, the scale
   * of transformers' initializer) in {@code dtype}; returns the files written.
   */
  public static List<Path> write(
      Path dir, HfConfig config, SafetensorsDtype dtype, long seed, long shardLimitBytes) {
    List<OutputTensor> tensors = new ArrayList<>();
    for (Map.Entry<String, List<Long>> entry : HfTensorLayout.of(config).entrySet()) {
      String name = entry.getKey();
      boolean gain = name.endsWith("norm.weight");
      tensors.add(
          new OutputTensor(
              name, dtype, entry.getValue(), () -> values(name, entry.getValue(), gain, seed)));
    }
    return HfCheckpointWriter.write(dir, config, tensors, shardLimitBytes);
  }

  private static float[] values(String name, List<Long> shape, boolean gain, long seed) {
    long count = shape.stream().reduce(1L, Math::multiplyExact);
    float[] values = new float[Math.toIntExact(count)];
    if (gain) {
      java.util.Arrays.fill(values, 1f);
      return values;
    }
    SplittableRandom random = new SplittableRandom(seed ^ name.hashCode());
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextInt() >> 8) * (0.02 / (1 << 23)));
    }
    return values;
  }
}
