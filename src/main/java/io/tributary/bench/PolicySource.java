package io.tributary.bench;

import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;

/**
 * Where the benchmarked policy comes from. A policy created from a config has random weights and no
 * load to time; one read from a checkpoint directory has both.
 */
public sealed interface PolicySource {

  /** What the JSON line's {@code model_source} says. */
  String describe();

  /** A policy initialised in memory from {@code config}, named {@code label} in the report. */
  record FromConfig(ModelConfig config, String label) implements PolicySource {
    public PolicyModel create() {
      return PolicyModel.create(config, 1);
    }

    @Override
    public String describe() {
      return label;
    }
  }
}
