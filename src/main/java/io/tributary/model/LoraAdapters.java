package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The low-rank adapters of one policy (see {@link LoraConfig}): which projections carry one, the
 * switch that turns them all off for a forward, and merging them into the base. Attaching freezes
 * every base parameter, so the optimizer, which only sees trainable parameters, keeps neither
 * gradients nor moments for them.
 */
public final class LoraAdapters {
  /**
   * One adapted projection: its plain name, its frozen weight W (out, in), A (r, in), B (out, r).
   */
  public record Site(String name, Parameter weight, Parameter a, Parameter b) {}

  /** Whether the adapters act; shared by every adapter of a policy. */
  static final class Switch {
    private boolean enabled = true;

    boolean enabled() {
      return enabled;
    }
  }

  /** Adapters off until closed: {@code try (var off = model.adaptersDisabled()) {...}}. */
  public interface Off extends AutoCloseable {
    Off NONE = () -> {};

    @Override
    void close();
  }

  private final LoraConfig config;
  private final Switch state = new Switch();
  private final List<Site> sites = new ArrayList<>();
  private final List<LowRankAdapter> blocks = new ArrayList<>();
  private final Set<Parameter> parameters = Collections.newSetFromMap(new IdentityHashMap<>());
  private String baseFingerprint;

  private LoraAdapters(LoraConfig config) {
    this.config = config;
  }

  static LoraAdapters attach(
      MoeTransformer block, LoraConfig config, NDManager manager, DataType type) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      p.getValue().freeze(true);
    }
    List<Pair<String, Pair<ModelBlock, Parameter>>> candidates = new ArrayList<>();
    collect(block, "", candidates);
    List<String> names = candidates.stream().map(Pair::getKey).toList();
    LoraTargets targets = LoraTargets.of(config.targets());
    List<String> unmatched = targets.unmatched(config.targets(), names);
    if (!unmatched.isEmpty()) {
      throw new IllegalArgumentException(
          "lora.targets: "
              + unmatched
              + " match no projection of this model; adaptable projections are named like "
              + names.stream()
                  .filter(n -> LoraTargets.ADAPTABLE.matcher(n).matches())
                  .limit(8)
                  .toList());
    }
    LoraAdapters adapters = new LoraAdapters(config);
    Random rng = new Random(config.seed());
    for (Pair<String, Pair<ModelBlock, Parameter>> c : candidates) {
      if (!targets.matches(c.getKey())) {
        continue;
      }
      ModelBlock owner = c.getValue().getKey();
      Parameter weight = c.getValue().getValue();
      long[] shape = weight.getArray().getShape().getShape(); // (out, in)
      LowRankAdapter adapter = new LowRankAdapter(shape[1], shape[0], config, adapters.state);
      adapter.initialize(rng, manager, type);
      owner.attachAdapter(weight.getName(), adapter);
      adapters.sites.add(new Site(c.getKey(), weight, adapter.a(), adapter.b()));
      adapters.blocks.add(adapter);
      adapters.parameters.add(adapter.a());
      adapters.parameters.add(adapter.b());
    }
    return adapters;
  }

  /** Every parameter under {@code block} with its plain name (DJL's position prefixes dropped). */
  private static void collect(
      ModelBlock block, String prefix, List<Pair<String, Pair<ModelBlock, Parameter>>> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      out.add(new Pair<>(prefix + p.getKey(), new Pair<>(block, p.getValue())));
    }
    for (Pair<String, Block> child : block.getChildren()) {
      String name = child.getKey().replaceFirst("^\\d+", "");
      collect((ModelBlock) child.getValue(), prefix + name + "_", out);
    }
  }

  public LoraConfig config() {
    return config;
  }

  /** The adapted projections in parameter order. */
  public List<Site> sites() {
    return List.copyOf(sites);
  }

  /** Whether {@code p} is an adapter's A or B (and not a base parameter). */
  public boolean isAdapterParameter(Parameter p) {
    return parameters.contains(p);
  }

  /**
   * The base's fingerprint, computed once: the base is frozen, so every later adapter load (a
   * rollout worker's each policy version) checks it without hashing the weights again.
   */
  public String baseFingerprint(java.util.function.Supplier<String> compute) {
    if (baseFingerprint == null) {
      baseFingerprint = compute.get();
    }
    return baseFingerprint;
  }

  public boolean enabled() {
    return state.enabled;
  }

  /** Turns every adapter off until the returned handle is closed: the base model's forward. */
  public Off disabled() {
    boolean previous = state.enabled;
    state.enabled = false;
    return () -> state.enabled = previous;
  }

  /**
   * W' = W + (alpha/r) B A for every adapted projection, then B = 0: the model computes what it did
   * before, but its base weights now carry the update, as PEFT's merge_and_unload leaves them.
   */
  public void merge() {
    baseFingerprint = null; // the base changes here
    try (GradMode ignored = GradMode.disabled()) {
      for (int i = 0; i < sites.size(); i++) {
        Site s = sites.get(i);
        NDArray w = s.weight().getArray();
        try (NDManager scratch = w.getManager().newSubManager()) {
          NDArray delta = blocks.get(i).product();
          delta.attach(scratch);
          NDArray merged =
              w.toType(DataType.FLOAT32, true).add(delta.toType(DataType.FLOAT32, false));
          merged.attach(scratch);
          w.set(new NDIndex("..."), merged.toType(w.getDataType(), false));
          NDArray b = s.b().getArray();
          b.set(new NDIndex("..."), 0f);
        }
      }
    }
  }
}
