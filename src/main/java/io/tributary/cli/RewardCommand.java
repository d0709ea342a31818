package io.tributary.cli;

import picocli.CommandLine.Command;

/** {@code tributary reward check}: tools to see how a reward reads answers. */
@Command(
    name = "reward",
    mixinStandardHelpOptions = true,
    description = "Inspect rewards: see how an answer is read and scored.",
    subcommands = {RewardCheckCommand.class})
final class RewardCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
