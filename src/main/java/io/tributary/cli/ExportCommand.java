package io.tributary.cli;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.HfExport;
import io.tributary.model.DeviceChoice;
import io.tributary.model.PolicyModel;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary export}: a checkpoint of an imported policy as a Hugging Face directory. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Write a checkpoint of a policy imported from Hugging Face back as a Hugging Face model"
            + " directory: config.json, (sharded) safetensors in the dtypes it was read in, and"
            + " the tokenizer files.")
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

  @Override
  public void run() {
    Checkpoint checkpoint = Checkpoint.read(policy);
    try (PolicyModel model =
        checkpoint.toModel(
            checkpoint.header().modelConfig().toBuilder().device(DeviceChoice.CPU).build())) {
      HfExport.write(model, checkpoint.header().tokenizer(), out, maxShardBytes);
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
