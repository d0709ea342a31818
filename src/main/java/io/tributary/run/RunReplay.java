package io.tributary.run;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.experiment.ColdStart;
import io.tributary.grpo.Evaluator;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.RolloutGroup;
import io.tributary.hf.LoraPolicies;
import io.tributary.json.Json;
import io.tributary.kafka.KafkaSession;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.learner.TrainingGroups;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.policy.PolicySource;
import io.tributary.policy.PolicyStore;
import io.tributary.policy.PromptRendering;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ./tributary replay}: retrains a run from its first checkpoint on the groups it recorded
 * ({@link TrainedGroupsLog}), read back from the run's scored topic by offset, with nothing
 * sampled. Without overrides each version's weights are checked against the SHA-256 the run
 * recorded with it; with {@code --set} a variant of the learner is trained on the same stream into
 * {@code RUN_DIR/replays/NAME} and evaluated on the run's held-out prompts at the versions the run
 * was, beside the run ({@link ReplayComparison}): an ablation with the data held fixed.
 *
 * <p>A run directory is a closed loop's ({@link RunLoop}, its policy versions in {@code policies/})
 * or a standalone learner's store ({@link StandaloneLearner}, the versions beside the rest). A run
 * that evaluated nothing on its held-out prompts (a standalone learner runs no evaluations) is
 * replayed bit for bit as any other; a variant of it is evaluated at the config's evaluation
 * schedule, beside the run's checkpoints of those versions that the store still holds.
 */
public final class RunReplay {
  public static final String REPLAYS = "replays";

  /**
   * What a replay did. {@code versionsBitExact} is absent for a variant (it is meant to differ);
   * {@code originalLearnerSeconds} is the run's recorded update time over the same versions.
   */
  public record Outcome(
      int versionsTotal,
      Optional<Integer> versionsBitExact,
      Optional<Integer> versionsCheckedAgainstCheckpoints,
      double replaySeconds,
      double replayLearnerSeconds,
      double originalLearnerSeconds,
      Path outputDir,
      Optional<Path> comparison) {

    /** The command's last line. */
    public String summaryJson() {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("versions_total", versionsTotal);
      versionsBitExact.ifPresent(n -> line.put("versions_bit_exact", n));
      versionsCheckedAgainstCheckpoints.ifPresent(
          n -> line.put("versions_checked_against_announced_checkpoints", n));
      line.put("replay_seconds", replaySeconds);
      line.put("replay_learner_seconds", replayLearnerSeconds);
      line.put("original_learner_seconds", originalLearnerSeconds);
      line.put("output_dir", outputDir.toString());
      comparison.ifPresent(c -> line.put("comparison", c.toString()));
      return Json.write(line);
    }
  }

  private RunReplay() {}

  /**
   * @param toVersion the last version to replay; null for all recorded
   * @param sets learner settings of a variant ({@code grpo.aggregation=gspo}); empty to replay the
   *     run itself
   */
  public static Outcome replay(Path runDir, Long toVersion, List<String> sets, PrintStream out)
      throws Exception {
    Path saved = runDir.resolve(RunLoop.CONFIG_FILE);
    if (!Files.isRegularFile(saved)) {
      throw ConfigException.badValue(
          "--run-dir", runDir.toString(), "a run directory (with " + RunLoop.CONFIG_FILE + ")");
    }
    RunConfig original = RunConfig.read(saved);
    boolean variant = !sets.isEmpty();
    RunConfig config = variant ? ReplayOverrides.apply(saved, sets) : original;
    List<TrainedGroupsLog.TrainedVersion> records = records(runDir, toVersion);
    Path outputDir =
        runDir.resolve(REPLAYS).resolve(variant ? ReplayOverrides.name(sets) : "exact");
    Files.createDirectories(outputDir);
    ModelConfig modelConfig = config.validate();
    PolicySource source = config.model().resolved();
    Path startFile =
        runDir.resolve(source.isImported() ? RunLoop.IMPORTED_CHECKPOINT : RunLoop.SFT_CHECKPOINT);
    Checkpoint start = Checkpoint.read(startFile); // a missing or corrupt file is named
    // the held-out versions of the run, evaluated again for the variant at the same versions
    Map<Long, Map<String, Object>> originalEvals = new TreeMap<>();
    for (Map<String, Object> e : new RunLog(runDir).read(RunLog.EVAL)) {
      originalEvals.put(((Number) e.get("version")).longValue(), e);
    }
    long lastVersion = records.get(records.size() - 1).version();
    originalEvals.keySet().removeIf(v -> v > lastVersion);
    Path policies = policies(runDir);
    // what the run did not evaluate, the replay evaluates from the run's own checkpoints
    boolean runEvaluated = !originalEvals.isEmpty();
    SortedSet<Long> evalVersions =
        runEvaluated
            ? new TreeSet<>(originalEvals.keySet())
            : schedule(original.evalEveryVersions(), lastVersion);
    out.printf(
        "replay: %s, versions 1 to %d from %s%s%n",
        runDir, lastVersion, startFile.getFileName(), variant ? " with " + sets : "");
    GrpoConfig g = config.grpo();
    try (Tokenizer tokenizer = source.tokenizer();
        KafkaSession kafka = KafkaConnect.open(config.kafka(), runDir, out);
        GroupsByOffset reader = new GroupsByOffset(kafka.settings());
        PolicyModel policy = LoraPolicies.load(start, null, modelConfig.device());
        PolicyModel reference =
            RunLoop.needsReferenceCopy(g)
                ? LoraPolicies.load(start, null, modelConfig.device())
                : null) {
      SamplingParams sampling =
          GenerationDefaults.of(policy.config()).withStopTokens(g.sampling().params(tokenizer));
      Evaluator evaluator = new Evaluator(tokenizer, sampling);
      List<TaskPrompt> heldout = variant ? heldout(original, source, runDir) : List.of();
      if (variant && !runEvaluated) {
        out.printf(
            "replay: the run recorded no held-out evaluations; the variant, and the run's"
                + " checkpoints still in %s, are evaluated on %d held-out prompts at versions %s%n",
            policies, heldout.size(), evalVersions);
      }
      Map<Long, Evaluator.Result> variantEvals = new TreeMap<>();
      if (variant && evalVersions.contains(0L)) {
        Evaluator.Result e = evaluate(evaluator, policy, heldout, original, 1);
        variantEvals.put(0L, e);
        if (!runEvaluated) {
          originalEvals.put(0L, row(e)); // version 0 is the run's first checkpoint on both sides
        }
      }
      AnnouncedCheckpoints checkpoints =
          AnnouncedCheckpoints.read(kafka.settings(), policies, modelConfig.device());
      GrpoTrainer trainer = null;
      int bitExact = 0;
      int checkedAgainstCheckpoints = 0;
      double replayLearnerSeconds = 0;
      double originalLearnerSeconds = 0;
      long began = System.nanoTime();
      for (TrainedGroupsLog.TrainedVersion r : records) {
        IntraOpThreads.setForThisThread(r.threads());
        if (trainer == null || r.trainerUpdate() == 0) {
          // the run's learner started a fresh trainer here (the run's start or a resume: then
          // also with its policy as loaded from the checkpoint, which this round trip mirrors)
          if (trainer != null) {
            reloadAsResumed(policy, tokenizer, outputDir, r.previousVersion());
          }
          trainer = new GrpoTrainer(policy, reference, g, sampling, tokenizer.pad());
        }
        List<RolloutGroup> groups = new ArrayList<>();
        for (TrainedGroupsLog.TrainedGroup at : r.groups()) {
          groups.add(TrainingGroups.toGroup(reader.read(at, r.version()), at.weight()));
        }
        long updateStart = System.nanoTime();
        trainer.update(groups, r.previousVersion());
        replayLearnerSeconds += (System.nanoTime() - updateStart) / 1e9;
        originalLearnerSeconds += r.updateSeconds();
        if (variant) {
          out.printf("version %d: trained on %d groups%n", r.version(), groups.size());
          if (evalVersions.contains(r.version())) {
            Evaluator.Result e = evaluate(evaluator, policy, heldout, original, r.threads());
            variantEvals.put(r.version(), e);
            out.printf(
                "version %d: held-out pass@1 %.3f, pass@%d %.3f%n",
                r.version(), e.passAt1(), e.k(), e.passAtK());
            if (!runEvaluated) {
              Optional<PolicyModel> run = checkpoints.policy(r.version());
              if (run.isPresent()) {
                try (PolicyModel model = run.get()) {
                  Evaluator.Result o = evaluate(evaluator, model, heldout, original, r.threads());
                  originalEvals.put(r.version(), row(o));
                  out.printf(
                      "version %d: the run's checkpoint: held-out pass@1 %.3f, pass@%d %.3f%n",
                      r.version(), o.passAt1(), o.k(), o.passAtK());
                }
              }
            }
          }
        } else {
          String sha = TrainedGroupsLog.weightsSha256(policy);
          Optional<String> inCheckpoint = checkpoints.weightsSha256(r.version());
          if (inCheckpoint.isPresent() && !inCheckpoint.get().equals(r.weightsSha256())) {
            throw new IllegalStateException(
                TrainedGroupsLog.FILE
                    + " version "
                    + r.version()
                    + ": recorded weights SHA-256 "
                    + r.weightsSha256()
                    + ", but the announced checkpoint holds "
                    + inCheckpoint.get());
          }
          checkedAgainstCheckpoints += inCheckpoint.isPresent() ? 1 : 0;
          boolean same = sha.equals(r.weightsSha256());
          bitExact += same ? 1 : 0;
          out.printf(
              "version %d: %d groups, weights %s%s%n",
              r.version(),
              groups.size(),
              same
                  ? "bit-exact (sha256 " + sha.substring(0, 12) + ")"
                  : "DIFFER: run " + r.weightsSha256() + ", replay " + sha,
              inCheckpoint.isPresent() ? "; the run's announced checkpoint holds the same" : "");
        }
      }
      double replaySeconds = (System.nanoTime() - began) / 1e9;
      Optional<Path> comparison =
          variant
              ? Optional.of(
                  ReplayComparison.write(
                      outputDir, sets, original.passK(), originalEvals, variantEvals))
              : Optional.empty();
      Outcome outcome =
          new Outcome(
              records.size(),
              variant ? Optional.empty() : Optional.of(bitExact),
              variant ? Optional.empty() : Optional.of(checkedAgainstCheckpoints),
              replaySeconds,
              replayLearnerSeconds,
              originalLearnerSeconds,
              outputDir,
              comparison);
      Files.writeString(outputDir.resolve("replay.json"), outcome.summaryJson() + "\n");
      return outcome;
    }
  }

  private static void reloadAsResumed(
      PolicyModel policy, Tokenizer tokenizer, Path dir, long version) throws IOException {
    PolicyStore scratch = new PolicyStore(dir.resolve("resumed"), 1, null);
    PolicyStore.Entry saved = scratch.save(policy, tokenizer.spec(), version, 0, Map.of());
    Checkpoint.read(saved.path()).loadInto(policy);
    Files.delete(saved.path());
  }

  /** Where the run's policy versions lie: a closed loop's {@code policies/}, else a store's own. */
  static Path policies(Path runDir) {
    Path closedLoop = runDir.resolve(RunLoop.POLICIES);
    return Files.isDirectory(closedLoop) ? closedLoop : runDir;
  }

  /** Version 0, every {@code every} versions, and the last, as a run evaluates. */
  static SortedSet<Long> schedule(int every, long lastVersion) {
    SortedSet<Long> versions = new TreeSet<>();
    for (long v = 0; v < lastVersion; v += every) {
      versions.add(v);
    }
    versions.add(lastVersion);
    return versions;
  }

  /** An evaluation in the run log's terms. */
  private static Map<String, Object> row(Evaluator.Result e) {
    return Map.of("pass_at_1", e.passAt1(), "pass_at_k", e.passAtK());
  }

  /** The run's records up to {@code toVersion}, which must run 1, 2, 3, ... without a gap. */
  private static List<TrainedGroupsLog.TrainedVersion> records(Path runDir, Long toVersion) {
    Path file = runDir.resolve(TrainedGroupsLog.FILE);
    List<TrainedGroupsLog.TrainedVersion> records =
        TrainedGroupsLog.read(file).stream()
            .filter(r -> toVersion == null || r.version() <= toVersion)
            .toList();
    if (records.isEmpty()) {
      throw ConfigException.badValue(
          "--run-dir",
          runDir.toString(),
          "a run with recorded versions ("
              + file
              + " is missing or has none"
              + (toVersion != null ? " up to version " + toVersion : "")
              + ")");
    }
    for (int i = 0; i < records.size(); i++) {
      TrainedGroupsLog.TrainedVersion r = records.get(i);
      if (r.version() != i + 1 || r.previousVersion() != i) {
        throw new IllegalStateException(
            file
                + ": version "
                + (i + 1)
                + " expected next, found "
                + r.version()
                + " (after "
                + r.previousVersion()
                + ")");
      }
    }
    return records;
  }

  private static Evaluator.Result evaluate(
      Evaluator evaluator,
      PolicyModel policy,
      List<TaskPrompt> heldout,
      RunConfig original,
      int learnerThreads) {
    // sampled on one thread, as the run's evaluator does, with the run's settings
    IntraOpThreads.setForThisThread(1);
    Evaluator.Result r =
        evaluator.evaluate(
            policy, heldout, original.passK(), original.grpo().temperature(), original.seed());
    IntraOpThreads.setForThisThread(learnerThreads);
    return r;
  }

  /** The run's held-out prompts, chosen and rendered as {@link RunLoop} does. */
  private static List<TaskPrompt> heldout(RunConfig config, PolicySource source, Path runDir) {
    GeneratedSplits data =
        config.dataset() != null
            ? config.dataset().load(config.seed(), runDir)
            : ColdStart.data(config.task(), config.seed(), runDir);
    PromptRendering rendering = new PromptRendering(source.chatTemplate(), config.chat());
    return rendering.renderAll(data.heldout().subList(0, config.evalPrompts()));
  }

  static void writeString(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write: " + e, e);
    }
  }
}
