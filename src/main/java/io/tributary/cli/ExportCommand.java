package io.tributary.cli;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.HfExport;
import io.tributary.hf.LoraPolicies;
import io.tributary.hf.PeftAdapters;
import io.tributary.model.DeviceChoice;
import io.tributary.model.PolicyModel;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary export}: a checkpoint of an imported policy as a Hugging Face directory; for a
 * LoRA run the adapters merged into the base weights (W' = W + alpha/r B A), or with {@code --peft}
 * the adapters alone in PEFT's layout.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Write a checkpoint of a policy imported from Hugging Face back as a Hugging Face model"
            + " directory: config.json, (sharded) safetensors in the dtypes it was read in, and"
            + " the tokenizer files. A LoRA policy is merged into its base, or with --peft"
            + " written as a PEFT adapter (adapter_config.json, adapter_model.safetensors).")
final class ExportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--policy", required = true, description = "a Tributary checkpoint")
  Path policy;

  @Option(names = "--out", required = true, description = "the directory to write")
  Path out;

  @Option(
      names = "--max-shard-bytes",
      defaultValue = "5000000000",
      description = "beyond this the weights are sharded with an index (default: ${DEFAULT-VALUE})")
  long maxShardBytes;

  @Option(
      names = "--peft",
      description =
          "write a LoRA policy's adapters in PEFT's layout instead of merging them into the base")
  boolean peft;

  @Option(
      names = "--base",
      description =
          "the base of an adapter checkpoint, where it is not where the run found it (a Hugging"
              + " Face directory or a full checkpoint)")
  Path base;

  @Override
  public void run() {
    Checkpoint checkpoint = Checkpoint.read(policy);
    try (PolicyModel model = LoraPolicies.load(checkpoint, base, DeviceChoice.CPU)) {
      if (peft) {
        if (model.adapters() == null) {
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "--peft: " + policy + " is not a LoRA policy (it has no adapters)");
        }
        String baseName =
            base != null
                ? base.toString()
                : checkpoint.isAdapterOnly() ? checkpoint.header().adapters().base() : null;
        PeftAdapters.write(model, baseName, out);
      } else {
        if (model.adapters() != null) {
          model.adapters().merge();
        }
        HfExport.write(model, checkpoint.tokenizer(base), out, maxShardBytes);
      }
    }
    spec.commandLine()
        .getOut()
        .println(
            "exported "
                + policy
                + " ("
                + checkpoint.header().modelConfig().huggingFace().modelType()
                + ", policy version "
                + checkpoint.header().policyVersion()
                + ") to "
                + out);
  }
}
