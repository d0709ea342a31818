package io.tributary.cli;

import io.tributary.stability.Experiment;
import io.tributary.stability.ExperimentConfig;
import io.tributary.stability.ExperimentReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary experiment}: the MoE stability matrix of settings x seeds. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description =
        "Runs every setting of an experiment config with every seed as a closed loop (./tributary"
            + " run) from one shared SFT cold start, one run at a time, and writes results.md (per"
            + " setting and per run: held-out pass@1 and pass@k before and after, entropy,"
            + " mismatch metrics, collapse) with plots. Finished runs are kept when run again.")
public final class ExperimentCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      defaultValue = "configs/moe-stability/experiment.yaml",
      description = "experiment config YAML (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(
      names = "--out",
      defaultValue = "docs/moe-stability",
      description = "where results.md and the plots go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--runs-dir",
      defaultValue = "runs/moe-stability",
      description =
          "the runs' directories and the shared SFT cold start (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(
      names = "--report-only",
      description = "rewrite the results from the runs that exist, train nothing")
  boolean reportOnly;

  @Override
  public Integer call() throws Exception {
    ExperimentConfig c = ExperimentConfig.read(config);
    Experiment experiment = new Experiment(c, runsDir, out, System.out);
    if (reportOnly) {
      System.out.println(
          "experiment results: "
              + ExperimentReport.write(out, experiment.summaries(), c.collapse()).toAbsolutePath());
      return 0;
    }
    experiment.run();
    return 0;
  }
}
