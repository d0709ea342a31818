package io.tributary.cli;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.HfImport;
import io.tributary.hf.HfTokenizers;
import io.tributary.json.Json;
import io.tributary.model.DeviceChoice;
import io.tributary.model.NextTokenLogprobs;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary logprobs}: one JSON object with, for each position of a token sequence, the
 * log-probability of the next token and the top alternatives, to compare with another
 * implementation of the same model.
 */
@Command(
    name = "logprobs",
    mixinStandardHelpOptions = true,
    description =
        "Print, as one JSON object, the log-probability of each next token of a sequence and the"
            + " top 5 alternatives with their ids.")
final class LogprobsCommand implements Runnable {
  @Spec CommandSpec spec;

  static final class Model {
    @Option(names = "--hf", description = "a Hugging Face model directory")
    Path hf;

    @Option(names = "--policy", description = "a Tributary checkpoint")
    Path policy;
  }

  static final class Input {
    @Option(names = "--tokens", split = ",", description = "token ids, e.g. 1,2,3")
    int[] tokens;

    @Option(names = "--text", description = "text, encoded without special tokens")
    String text;
  }

  @ArgGroup(multiplicity = "1")
  Model model;

  @ArgGroup(multiplicity = "1")
  Input input;

  @Option(names = "--top", defaultValue = "5", description = "alternatives per position")
  int top;

  @Option(names = "--device", description = "auto, cpu or gpu (default: cpu)")
  DeviceChoice device;

  @Override
  public void run() {
    DeviceChoice on = device != null ? device : DeviceChoice.CPU;
    if (model.hf != null) {
      try (PolicyModel policy = HfImport.load(model.hf, on, null)) {
        print(policy, () -> HfTokenizers.load(model.hf));
      }
    } else {
      Checkpoint checkpoint = Checkpoint.read(model.policy);
      try (PolicyModel policy =
          checkpoint.toModel(checkpoint.header().modelConfig().toBuilder().device(on).build())) {
        print(policy, () -> Tokenizer.fromSpec(checkpoint.tokenizer()));
      }
    }
  }

  private void print(PolicyModel policy, java.util.function.Supplier<Tokenizer> tokenizer) {
    int[] tokens = input.tokens;
    if (tokens == null) {
      try (Tokenizer t = tokenizer.get()) {
        tokens = t.encode(input.text);
      }
    }
    if (tokens.length == 0) {
      throw new IllegalArgumentException(
          "the input has no tokens: " + Arrays.toString(tokens) + "; give --tokens or --text");
    }
    spec.commandLine().getOut().println(Json.write(NextTokenLogprobs.of(policy, tokens, top)));
  }
}
