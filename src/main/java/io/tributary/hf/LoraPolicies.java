package io.tributary.hf;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.checkpoint.CheckpointException;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A policy from any checkpoint: a full one as it is, an adapter-only one of a LoRA run applied over
 * its base, which is a Hugging Face directory or a full checkpoint (the one its manifest names, or
 * {@code base} where the user moved it).
 */
public final class LoraPolicies {
  private LoraPolicies() {}

  public static PolicyModel load(Checkpoint checkpoint, Path base, DeviceChoice device) {
    ModelConfig config = checkpoint.header().modelConfig();
    if (!checkpoint.isAdapterOnly()) {
      return checkpoint.toModel(config.toBuilder().device(device).build());
    }
    String named = checkpoint.header().adapters().base();
    if (base == null && named == null) {
      throw new CheckpointException(
          "the adapter checkpoint does not name its base: pass it (--base DIR|CHECKPOINT)");
    }
    Path location = base != null ? base : Path.of(named);
    PolicyModel model =
        Files.isDirectory(location)
            ? HfImport.load(location, device, config.dtype())
            : baseCheckpoint(location, config, device);
    try {
      checkpoint.loadInto(model);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static PolicyModel baseCheckpoint(Path file, ModelConfig config, DeviceChoice device) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          "the adapters' base "
              + file
              + " is neither a Hugging Face directory nor a checkpoint file (pass --base)");
    }
    Checkpoint base = Checkpoint.read(file);
    if (base.isAdapterOnly()) {
      throw new CheckpointException(file + ": a base must hold every weight, not adapters");
    }
    return base.toModel(config.toBuilder().device(device).build());
  }
}
