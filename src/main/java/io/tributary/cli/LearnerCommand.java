package io.tributary.cli;

import io.tributary.run.RunConfig;
import io.tributary.run.StandaloneLearner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary learner}: the learner service alone, beside a Flink cluster. */
@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    description =
        "Runs the learner alone: reads scored rollouts from Kafka, trains, writes policy"
            + " versions to the store and announces them (pipeline/README.md, deployment). The"
            + " store records what each version trained on, for ./tributary replay --run-dir"
            + " STORE.")
public final class LearnerCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(
      names = "--policy-store",
      required = true,
      description = "policy store directory, shared with the rollout workers")
  Path policyStore;

  @Option(
      names = "--config",
      defaultValue = "configs/default.yaml",
      description =
          "run config YAML: its grpo, learner and kafka sections (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(
      names = "--init",
      description =
          "checkpoint published as version 0 when the store is empty (not needed when the"
              + " config's model is a Hugging Face directory: the import is version 0)")
  Path init;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws Exception {
    RunConfig c = RunConfig.read(config);
    plugins.activate(c.rewards());
    StandaloneLearner.run(c, bootstrap, policyStore, init, System.out);
    return 0;
  }
}
