package io.tributary.cli;

import picocli.CommandLine.Command;

/** {@code tributary bench model|rewards|pipeline}: benchmarks that print figures. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: each prints a table and, last, one JSON line.",
    subcommands = {
      BenchModelCommand.class,
      BenchRewardsCommand.class,
      BenchPipelineCommand.class,
      BenchDeviceCommand.class,
      BenchLearnerCommand.class
    })
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
