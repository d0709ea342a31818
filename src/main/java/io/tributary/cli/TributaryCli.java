package io.tributary.cli;

import io.tributary.checkpoint.CheckpointException;
import io.tributary.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: parses and delegates, nothing else. */
@Command(
    name = "tributary",
    mixinStandardHelpOptions = true,
    version = "tributary 0.1.0",
    description = "GRPO fine-tuning of reasoning language models on Flink and Kafka.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DatasetCommand.class,
      InfoCommand.class,
      BenchCommand.class,
      KafkaCommand.class,
      ClusterCommand.class,
      TailCommand.class,
      DemoCommand.class,
      RolloutsCommand.class,
      RunCommand.class,
      ExperimentCommand.class,
      ReplayCommand.class,
      ServeCommand.class,
      LearnerCommand.class,
      TrainRewardModelCommand.class,
      ExportCommand.class,
      LogprobsCommand.class,
      RewardCommand.class
    })
public final class TributaryCli implements Runnable {
  /** Exit codes: 0 success, 1 runtime failure, 2 usage error (picocli), 3 bad config or input. */
  public static final int EXIT_BAD_INPUT = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TributaryCli());
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof ConfigException
              || ex instanceof IllegalArgumentException
              || ex instanceof CheckpointException) {
            commandLine.getErr().println("error: " + ex.getMessage());
            return EXIT_BAD_INPUT;
          }
          commandLine.getErr().println("error: " + ex);
          ex.printStackTrace(commandLine.getErr());
          return 1;
        });
    return cli;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
