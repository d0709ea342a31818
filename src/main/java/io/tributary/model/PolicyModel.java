package io.tributary.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One policy instance: the {@link MoeTransformer} block, its parameters in a manager of its own on
 * the configured device, and the operations the sampler and the trainers need. Not thread safe:
 * give each thread its own instance and copy weights with {@link #copyWeightsFrom}.
 */
public final class PolicyModel implements AutoCloseable {
  private final ModelConfig config;
  private final Device device;
  private final NDManager manager;
  private final MoeTransformer block;
  private LoraAdapters adapters;

  private PolicyModel(ModelConfig config, Random random) {
    if (config.dtype() == Precision.BFLOAT16) {
      // checked before any tensor exists: asking DJL 0.36 for one aborts the JVM (see Precision)
      throw new IllegalArgumentException(
          "dtype: bfloat16 is not supported by DJL 0.36's PyTorch engine; use float16 (inference)"
              + " or float32");
    }
    this.config = config;
    this.device = config.device().resolve();
    this.manager = NDManager.newBaseManager(device);
    this.block = new MoeTransformer(config);
    block.initializeFrom(
        random, manager, config.initStd(), config.layers(), config.dtype().dataType());
  }

  /** A freshly initialised policy; the same seed gives the same weights on any device. */
  public static PolicyModel create(ModelConfig config, long seed) {
    return new PolicyModel(config, new Random(seed));
  }

  /**
   * A policy whose parameters are all zero, for a loader that fills every one of them (an imported
   * checkpoint); not a model to train or sample from as it is.
   */
  public static PolicyModel createZeroed(ModelConfig config) {
    return new PolicyModel(config, null);
  }

  public ModelConfig config() {
    return config;
  }

  public Device device() {
    return device;
  }

  public NDManager manager() {
    return manager;
  }

  public MoeTransformer block() {
    return block;
  }

  public ParameterCounts parameterCounts() {
    return ParameterCounts.of(config);
  }

  /**
   * Freezes every parameter of this policy and puts a trainable low-rank adapter on each projection
   * that {@code lora} targets; A is drawn from {@code lora.seed()}, B is zero, so the model
   * computes exactly what it did before.
   */
  public LoraAdapters attachAdapters(LoraConfig lora) {
    if (adapters != null) {
      throw new IllegalStateException("this policy already has adapters");
    }
    requireFloat32("LoRA adapters");
    adapters = LoraAdapters.attach(block, lora, manager, config.dtype().dataType());
    return adapters;
  }

  /** The adapters of a LoRA policy, null for a fully trained one. */
  public LoraAdapters adapters() {
    return adapters;
  }

  /**
   * The base model until the handle is closed (the adapters switched off): the reference policy of
   * a LoRA run without a second copy of the weights. A no-op on a policy without adapters.
   */
  public LoraAdapters.Off adaptersDisabled() {
    return adapters == null ? LoraAdapters.Off.NONE : adapters.disabled();
  }

  /** Every parameter, trainable or not, in a fixed order with stable names. */
  public List<Pair<String, Parameter>> parameters() {
    List<Pair<String, Parameter>> out = new ArrayList<>();
    block.getParameters().forEach(p -> out.add(new Pair<>(p.getKey(), p.getValue())));
    return out;
  }

  /** Refused on a float16 policy: training stays float32 (see {@link Precision}). */
  public List<Pair<String, Parameter>> trainableParameters() {
    requireFloat32("training");
    return parameters().stream().filter(p -> p.getValue().requiresGradient()).toList();
  }

  /**
   * Full causal forward of right-padded rows (B, T) from position 0: logits (B, T, V) in the
   * manager of {@code step}. Padding after a row's end is never seen by that row's real tokens.
   */
  public NDArray logits(NDManager step, int[][] tokens, RoutingContext routing) {
    int b = tokens.length;
    int t = tokens[0].length;
    long[] flat = new long[b * t];
    int[][] positions = new int[b][t];
    for (int i = 0; i < b; i++) {
      if (tokens[i].length != t) {
        throw new IllegalArgumentException(
            "tokens: row " + i + " has length " + tokens[i].length + ", expected " + t);
      }
      for (int j = 0; j < t; j++) {
        flat[i * t + j] = tokens[i][j];
        positions[i][j] = j;
      }
    }
    checkLength(t);
    NDArray input = step.create(flat, new Shape(b, t));
    return block.forward(input, positions, Masks.causal(step, t), null, routing);
  }

  /**
   * Full forward of left-padded rows (B, T) whose first {@code padding[b]} tokens are padding: each
   * row's positions start at 0 at its first real token and padding keys are masked, exactly as when
   * the sampler generated them, so log-probs recomputed here match the behaviour ones.
   */
  public NDArray logitsLeftPadded(
      NDManager step, int[][] tokens, int[] padding, RoutingContext routing) {
    return block.head(hiddenLeftPadded(step, tokens, padding, routing));
  }

  /**
   * {@link #logitsLeftPadded}'s forward without the LM head: the final hidden states (B, T, C), for
   * a caller that needs the logits of a few positions at a time. At V = 151,936 (Qwen3) the logits
   * of a 1,024-token completion are 600 MB in float32, where these states are 4 MB.
   */
  public NDArray hiddenLeftPadded(
      NDManager step, int[][] tokens, int[] padding, RoutingContext routing) {
    int b = tokens.length;
    int t = tokens[0].length;
    checkLength(t);
    long[] flat = new long[b * t];
    int[][] positions = new int[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        flat[i * t + j] = tokens[i][j];
        positions[i][j] = Math.max(0, j - padding[i]);
      }
    }
    NDArray input = step.create(flat, new Shape(b, t));
    return block.hidden(input, positions, Masks.leftPadded(step, padding, t, t), null, routing);
  }

  private void requireFloat32(String what) {
    if (config.dtype() != Precision.FLOAT32) {
      throw new IllegalStateException(
          what
              + " needs a float32 policy; this one stores its projections in "
              + config.dtype().name().toLowerCase(java.util.Locale.ROOT)
              + " for inference");
    }
  }

  void checkLength(int t) {
    if (t > config.maxSeqLen()) {
      throw new IllegalArgumentException(
          "sequence of " + t + " tokens exceeds maxSeqLen=" + config.maxSeqLen());
    }
  }

  /** Copies every parameter of {@code source} into this instance in place (same config). */
  public void copyWeightsFrom(PolicyModel source) {
    if (!source.config.equals(config)) {
      throw new IllegalArgumentException("copyWeightsFrom: model configs differ");
    }
    List<Pair<String, Parameter>> from = source.parameters();
    List<Pair<String, Parameter>> to = parameters();
    if (from.size() != to.size()) {
      throw new IllegalArgumentException(
          "copyWeightsFrom: one policy has adapters and the other not, or different ones");
    }
    try (GradMode ignored = GradMode.disabled()) {
      for (int i = 0; i < to.size(); i++) {
        NDArray src = from.get(i).getValue().getArray();
        NDArray dst = to.get(i).getValue().getArray();
        if (src.getDevice().equals(dst.getDevice())) {
          dst.set(new NDIndex("..."), src);
        } else {
          try (NDArray moved = src.toDevice(dst.getDevice(), true)) {
            dst.set(new NDIndex("..."), moved);
          }
        }
      }
    }
  }

  /** DeepSeek-V3 bias balancing, called after each optimizer step: b += γ·sign(mean − load). */
  public void updateRouterBiases() {
    // the selection bias is part of the frozen base of a LoRA policy: only the counters restart
    updateRouterBiasesWithRate(adapters == null ? config.biasUpdateRate() : 0.0);
  }

  /** Bias update with an explicit γ; γ = 0 only restarts the load counters. */
  public void updateRouterBiasesWithRate(double gamma) {
    for (MoeFeedForward moe : block.moeLayers()) {
      moe.router().updateBias(gamma);
    }
  }

  /** Loads counted by training forwards since the last bias update. */
  public ExpertLoad expertLoad() {
    List<MoeFeedForward> layers = block.moeLayers();
    long[][] loads = new long[layers.size()][];
    float[][] biases = new float[layers.size()][];
    for (int i = 0; i < layers.size(); i++) {
      loads[i] = layers.get(i).router().load();
      biases[i] = layers.get(i).router().selectionBias();
    }
    return new ExpertLoad(loads, biases);
  }

  @Override
  public void close() {
    block.getParameters().forEach(p -> p.getValue().close());
    manager.close();
  }
}
