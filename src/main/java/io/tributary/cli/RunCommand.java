package io.tributary.cli;

import io.tributary.run.RunConfig;
import io.tributary.run.RunLoop;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary run}: the closed loop on one machine. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "The closed GRPO loop on one machine: broker, SFT cold start, rollout job, learner,"
            + " prompt feeder, held-out evaluation, report. --resume continues a run after a"
            + " crash or kill from its last checkpoints.")
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      defaultValue = "configs/default.yaml",
      description = "run config YAML (default: ${DEFAULT-VALUE}); ignored with --resume")
  Path config;

  @Option(names = "--run-dir", description = "a new run directory (default: runs/<timestamp>)")
  Path runDir;

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue this run")
  Path resume;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers (default: Tributary's own broker in the run dir)")
  String bootstrap;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws Exception {
    if (resume != null) {
      plugins.activate(RunConfig.read(resume.resolve(RunLoop.CONFIG_FILE)).rewards());
      RunLoop.resume(resume, System.out);
      return 0;
    }
    RunConfig c = RunConfig.read(config);
    plugins.activate(c.rewards());
    if (bootstrap != null) {
      c = c.withKafka(c.kafka().withBootstrapServers(bootstrap));
    }
    Path dir =
        runDir != null
            ? runDir
            : Path.of(
                "runs",
                "run-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    RunLoop.start(c, dir, System.out);
    return 0;
  }
}
