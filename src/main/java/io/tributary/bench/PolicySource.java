package io.tributary.bench;

import io.tributary.hf.HfConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import java.nio.file.Path;

/**
 * Where the benchmarked policy comes from. A policy created from a config has random weights and no
 * load to time; one read from a Hugging Face directory has both.
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

  /** A Hugging Face model directory, read through the importer. */
  record HfDirectory(Path dir) implements PolicySource {
    @Override
    public String describe() {
      return "hf " + dir;
    }
  }

  /**
   * A random BF16 checkpoint of {@code config} written into a new directory under {@code parent}
   * (deleted after loading), then read through the importer like any other; {@code label} names it
   * in the report.
   */
  record GeneratedCheckpoint(HfConfig config, Path parent, String label) implements PolicySource {
    @Override
    public String describe() {
      return "generated random BF16 checkpoint of " + label;
    }
  }
}
