package io.tributary.stability;

import io.tributary.config.ConfigException;
import io.tributary.experiment.ColdStart;
import io.tributary.json.Json;
import io.tributary.model.ModelConfig;
import io.tributary.run.RunConfig;
import io.tributary.run.RunLoop;
import io.tributary.tasks.GeneratedSplits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the experiment's matrix one run at a time (the runs would only slow each other down on a
 * small machine, and staleness would then measure the contention). Each run is a real closed loop
 * ({@link RunLoop}: rollout job, Kafka, learner), so its staleness is the loop's own. All runs
 * start from one SFT cold start, trained once from the base config, so the settings differ in RL
 * alone.
 *
 * <p>Runs live in {@code runsDir/SETTING/seed-N}. Running the experiment again skips the finished
 * runs (those with a report) and resumes an interrupted one, so the matrix can be filled in over
 * several sittings; the results are rewritten after every run.
 */
public final class Experiment {
  public static final String SFT_DIR = "sft";

  /** Beside the cold start: the settings it was trained with, checked when it is reused. */
  public static final String COLD_START_SETTINGS = "cold-start.json";

  private final ExperimentConfig config;
  private final Path runsDir;
  private final Path out;
  private final PrintStream log;

  public Experiment(ExperimentConfig config, Path runsDir, Path out, PrintStream log) {
    this.config = config;
    this.runsDir = runsDir;
    this.out = out;
    this.log = log;
  }

  /** Every setting with every seed; returns the runs' summaries in table order. */
  public List<RunSummary> run() throws Exception {
    String baseYaml = readBase();
    // fail on a bad override before anything trains
    for (Setting s : config.settings()) {
      for (long seed : config.seeds()) {
        RunOverrides.apply(baseYaml, config.base().toString(), config.overrides(s), seed)
            .validate();
      }
    }
    // the experiment's own keys reach the cold start too (a longer sftSteps, a harder task);
    // settings may not change them (ExperimentConfig), so one cold start fits every run
    Path sft = coldStart(RunOverrides.apply(baseYaml, config.base().toString(), config.set()));
    // seed-major: a matrix cut short has every setting on the first seeds, not every seed of the
    // first settings, so what exists can still be compared
    for (long seed : config.seeds()) {
      for (Setting s : config.settings()) {
        Path dir = runDir(s, seed);
        if (Files.exists(dir.resolve("report.md"))) {
          log.printf("experiment: %s seed %d finished before, kept%n", s.name(), seed);
          continue;
        }
        long start = System.nanoTime();
        log.printf("experiment: %s seed %d in %s%n", s.name(), seed, dir);
        Files.deleteIfExists(dir.resolve(RunSummary.FAILED));
        try {
          if (Files.exists(dir.resolve(RunLoop.CONFIG_FILE))) {
            RunLoop.resume(dir, log);
          } else {
            Files.createDirectories(dir);
            if (sft != null && !Files.exists(dir.resolve(RunLoop.SFT_CHECKPOINT))) {
              Files.copy(sft, dir.resolve(RunLoop.SFT_CHECKPOINT));
            }
            RunLoop.start(
                RunOverrides.apply(baseYaml, config.base().toString(), config.overrides(s), seed),
                dir,
                log);
          }
        } catch (Exception e) {
          // one failed run must not cost the rest of the matrix; the table says why it failed
          Files.writeString(dir.resolve(RunSummary.FAILED), String.valueOf(e.getMessage()));
          log.printf("experiment: %s seed %d failed: %s%n", s.name(), seed, e.getMessage());
        }
        log.printf(
            "experiment: %s seed %d ended after %.0f s (wall, with evaluations)%n",
            s.name(), seed, (System.nanoTime() - start) / 1e9);
        ExperimentReport.write(out, summaries(), config.collapse());
      }
    }
    List<RunSummary> summaries = summaries();
    Path results = ExperimentReport.write(out, summaries, config.collapse());
    log.println("experiment results: " + results.toAbsolutePath());
    return summaries;
  }

  /** The summaries of the runs that exist so far, in table order. */
  public List<RunSummary> summaries() {
    List<RunSummary> out = new ArrayList<>();
    for (Setting s : config.settings()) {
      for (long seed : config.seeds()) {
        Path dir = runDir(s, seed);
        if (Files.isDirectory(dir)) {
          out.add(RunSummary.read(s.name(), seed, dir, config.collapse()));
        }
      }
    }
    return out;
  }

  Path runDir(Setting s, long seed) {
    return runsDir.resolve(s.name()).resolve("seed-" + seed);
  }

  /** The shared SFT checkpoint, trained now unless an earlier sitting did; null: imported model. */
  private Path coldStart(RunConfig base) throws IOException {
    if (base.model().isImported()) {
      return null;
    }
    Path dir = runsDir.resolve(SFT_DIR);
    Path checkpoint = dir.resolve(RunLoop.SFT_CHECKPOINT);
    Path trainedWith = dir.resolve(COLD_START_SETTINGS);
    String settings = coldStartSettings(base);
    if (Files.exists(checkpoint)) {
      // a cold start of other settings would silently make every run start from the wrong model
      String saved = Files.exists(trainedWith) ? Files.readString(trainedWith).strip() : null;
      if (saved != null && !saved.equals(settings)) {
        throw new ConfigException(
            trainedWith
                + ": the SFT cold start in "
                + dir
                + " was trained with "
                + saved
                + ", but this experiment's cold start is "
                + settings
                + "; use another --runs-dir, or delete "
                + dir
                + " to train it again");
      }
      log.println("experiment: SFT cold start " + checkpoint + " reused");
      return checkpoint;
    }
    ModelConfig model = base.validate();
    Files.createDirectories(dir);
    GeneratedSplits data = ColdStart.data(base.task(), base.seed(), dir);
    Path partial = dir.resolve("partial").resolve(RunLoop.SFT_CHECKPOINT);
    Files.createDirectories(partial.getParent());
    ColdStart.train(
        model,
        data,
        base.sftSteps(),
        base.sftBatch(),
        base.sftLearningRate(),
        base.seed(),
        partial,
        log);
    Files.writeString(trainedWith, settings + "\n");
    // a kill mid-training must not leave a checkpoint the next sitting would take as finished
    Files.move(partial, checkpoint);
    return checkpoint;
  }

  /** What the cold start is trained from, as one JSON line. */
  static String coldStartSettings(RunConfig base) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(
        "model", String.valueOf(base.model())); // as configured: a moved checkout still matches
    settings.put("task", base.task());
    settings.put("sftSteps", base.sftSteps());
    settings.put("sftBatch", base.sftBatch());
    settings.put("sftLearningRate", base.sftLearningRate());
    settings.put("seed", base.seed());
    return Json.write(settings);
  }

  private String readBase() {
    try {
      return Files.readString(config.base());
    } catch (IOException e) {
      throw new ConfigException(
          "base: cannot read the run config " + config.base() + ": " + e.getMessage(), e);
    }
  }
}
