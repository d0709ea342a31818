package io.tributary.cli;

import io.tributary.run.RunConfig;
import io.tributary.run.RunLoop;
import io.tributary.run.RunReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary replay}: retrains a run from its Kafka log, or a variant of its learner. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Retrains a run from its first checkpoint on the groups it recorded, read back from its"
            + " scored topic, with nothing sampled, and checks every version's weights against the"
            + " run's. With --set, trains a variant of the learner on the same stream and puts its"
            + " held-out accuracy beside the run's. Ends with one JSON line.")
public final class ReplayCommand implements Callable<Integer> {
  @Option(
      names = "--run-dir",
      required = true,
      description = "the run to replay: a run directory, or a standalone learner's policy store")
  Path runDir;

  @Option(names = "--to-version", description = "the last version to replay (default: all)")
  Long toVersion;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "a learner setting of the variant, as a dotted key of the run config (grpo.*, but"
              + " grpo.sampling, or learner.*), e.g. grpo.aggregation=gspo; repeatable")
  List<String> sets = new ArrayList<>();

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws Exception {
    plugins.activate(RunConfig.read(runDir.resolve(RunLoop.CONFIG_FILE)).rewards());
    RunReplay.Outcome outcome = RunReplay.replay(runDir, toVersion, sets, System.out);
    System.out.println(outcome.summaryJson());
    return 0;
  }
}
