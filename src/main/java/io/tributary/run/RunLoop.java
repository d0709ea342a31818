package io.tributary.run;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.experiment.ColdStart;
import io.tributary.grpo.Evaluator;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.kafka.KafkaSession;
import io.tributary.learner.LearnerService;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.policy.PolicySource;
import io.tributary.policy.PolicyStore;
import io.tributary.policy.PromptRendering;
import io.tributary.rollout.Delivery;
import io.tributary.rollout.EmbeddedRolloutJob;
import io.tributary.rollout.PromptsConfig;
import io.tributary.rollout.RolloutsConfig;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code ./tributary run}: the closed loop on one machine. Kafka (the project's broker with its
 * data in the run directory, or a given cluster), the SFT cold start when the run has no policy yet
 * (none for an imported Hugging Face model, whose prompts go through its chat template), the
 * learner on its own thread with the policy store in the run directory, the rollout job on a
 * MiniCluster in this JVM with its checkpoints in the run directory, the prompt feeder, held-out
 * evaluation every K versions, a progress line, and the report at the end. A resumed run (after a
 * crash or a kill at any moment) continues from the newest policy checkpoint, the learner's Kafka
 * positions stored in it, the newest completed Flink checkpoint and the feeder's last committed
 * prompt.
 */
public final class RunLoop {
  public static final String CONFIG_FILE = "config.yaml";
  public static final String SFT_CHECKPOINT = "sft.ckpt";
  public static final String IMPORTED_CHECKPOINT = "imported.ckpt";
  public static final String POLICIES = "policies";
  public static final String FLINK_CHECKPOINTS = "flink-checkpoints";

  private final RunConfig config;
  private final Path runDir;
  private final PrintStream out;

  /** What a finished run leaves. */
  public record Result(long version, double elapsedSeconds, Path report) {}

  private RunLoop(RunConfig config, Path runDir, PrintStream out) {
    this.config = config;
    this.runDir = runDir;
    this.out = out;
  }

  /** A new run in {@code runDir}, which must not hold one already. */
  public static Result start(RunConfig config, Path runDir, PrintStream out) throws Exception {
    config.validate();
    if (Files.exists(runDir.resolve(CONFIG_FILE))) {
      throw ConfigException.badValue(
          "--run-dir", runDir.toString(), "a new directory (it holds a run: use --resume)");
    }
    Files.createDirectories(runDir);
    // written whole or not at all: a kill mid-write must not leave a run that cannot be resumed
    Path temp = Files.createTempFile(runDir, "." + CONFIG_FILE + ".", ".tmp");
    Files.writeString(temp, Yaml.write(config));
    Files.move(temp, runDir.resolve(CONFIG_FILE), StandardCopyOption.ATOMIC_MOVE);
    return new RunLoop(config, runDir, out).run();
  }

  /** Continues the run in {@code runDir} with the config saved there. */
  public static Result resume(Path runDir, PrintStream out) throws Exception {
    Path saved = runDir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(saved)) {
      throw ConfigException.badValue(
          "--resume", runDir.toString(), "a run directory (with " + CONFIG_FILE + ")");
    }
    RunConfig config = RunConfig.read(saved);
    config.validate();
    out.println("resuming the run in " + runDir);
    return new RunLoop(config, runDir, out).run();
  }

  private Result run() throws Exception {
    ModelConfig modelConfig = config.validate();
    PolicySource source = config.model().resolved();
    GeneratedSplits data =
        config.dataset() != null
            ? config.dataset().load(config.seed(), runDir)
            : ColdStart.data(config.task(), config.seed(), runDir);
    // the rendered text is what the rollouts sample from and record, and what is evaluated
    PromptRendering rendering = new PromptRendering(source.chatTemplate(), config.chat());
    List<TaskPrompt> train = rendering.renderAll(data.train());
    List<TaskPrompt> heldout = rendering.renderAll(data.heldout().subList(0, config.evalPrompts()));
    // version 0 and the rollout workers' starting point: the SFT cold start of a new model, or
    // the imported model as it is (with a LoRA run's still-zero adapters)
    Path startFile = runDir.resolve(source.isImported() ? IMPORTED_CHECKPOINT : SFT_CHECKPOINT);
    PolicyStore store =
        new PolicyStore(
            runDir.resolve(POLICIES),
            config.learner().keepCheckpoints(),
            source.isImported() ? source.location() : startFile.toString());
    if (!Files.exists(startFile) && !store.versions().isEmpty()) {
      throw new io.tributary.checkpoint.CheckpointException(
          startFile
              + ": missing, but the run has policy versions; the rollout workers start from it");
    }
    if (source.isImported()) {
      out.println("policy: imported from " + source.location() + " (no SFT cold start)");
    } else if (!Files.exists(startFile)) {
      ColdStart.train(
          modelConfig,
          data,
          config.sftSteps(),
          config.sftBatch(),
          config.sftLearningRate(),
          config.seed(),
          startFile,
          out);
    }
    // a corrupt file is a clear error naming it
    Checkpoint sft = source.isImported() ? null : Checkpoint.read(startFile);
    store.latest(); // likewise for the newest policy version
    try (Tokenizer tokenizer = source.tokenizer();
        KafkaSession kafka = KafkaConnect.open(config.kafka(), runDir, out);
        PolicyModel policy =
            source.isImported() ? source.importModel().orElseThrow() : sft.toModel(modelConfig);
        PolicyModel reference =
            needsReferenceCopy(config.grpo())
                ? (source.isImported()
                    ? source.importModel().orElseThrow()
                    : sft.toModel(modelConfig))
                : null) {
      GrpoConfig g = config.grpo();
      // the stop tokens of the model's generation_config.json, as the rollout workers take them
      SamplingParams sampling =
          GenerationDefaults.of(policy.config()).withStopTokens(g.sampling().params(tokenizer));
      GrpoTrainer trainer = new GrpoTrainer(policy, reference, g, sampling, tokenizer.pad());
      if (source.isImported() && !Files.exists(startFile)) {
        writeImported(startFile, policy, source.location(), tokenizer);
      }
      Checkpoint start = Checkpoint.read(startFile);
      RunLog log = new RunLog(runDir);
      RunThreads monitor =
          new RunThreads(
              config, log, store, new Evaluator(tokenizer, sampling), heldout, modelConfig);
      try (LearnerService learner =
          new LearnerService(
              config.learner(),
              kafka.settings(),
              store,
              policy,
              tokenizer,
              trainer,
              monitor::onUpdate)) {
        learner.beforeSave(log::trained);
        learner.start(0);
        learner.recordTrainedGroups(
            TrainedGroupsLog.open(
                runDir, learner.version(), policy, config.learner().threads(), g.seed()));
        monitor.started(learner);
        if (learner.version() == 0 && log.read(RunLog.EVAL).isEmpty()) {
          monitor.evaluateLater(0, start);
        }
        RolloutsConfig rollouts = rolloutsConfig(kafka, startFile);
        SamplingConfig.requireSame(
            g.sampling(), "the learner (grpo.sampling)", rollouts.sampling(), "the rollout job");
        try (EmbeddedRolloutJob job =
                EmbeddedRolloutJob.start(rollouts, runDir.resolve(FLINK_CHECKPOINTS));
            PromptFeeder feeder =
                new PromptFeeder(
                    kafka.settings(),
                    train,
                    config.seed(),
                    config.maxPromptsInFlight(),
                    monitor::consumedGroups)) {
          out.printf(
              "run: %s; Kafka %s; rollout job %s; learner at version %d; feeder at prompt %d%n",
              runDir,
              kafka.settings().bootstrapServers(),
              job.restoredFrom().map(p -> "restored from " + p).orElse("started fresh"),
              learner.version(),
              feeder.fed());
          monitor.loop(learner, feeder, job::hasStopped, out);
        }
        monitor.finish(learner.version(), policy, out);
      }
      Path report = new RunReport(runDir).write();
      out.println("report: " + report.toAbsolutePath());
      return new Result(monitor.version(), monitor.elapsed(), report);
    }
  }

  /**
   * Version 0 of an imported model, the rollout workers' starting point: with LoRA only the (still
   * zero) adapters over the model's directory, else every weight.
   */
  static void writeImported(Path file, PolicyModel policy, String base, Tokenizer tokenizer) {
    Map<String, String> metadata = Map.of("stage", "imported", "origin", base);
    if (policy.adapters() != null) {
      Checkpoint.saveAdapters(file, policy, base, tokenizer.spec(), 0, 0, metadata);
    } else {
      Checkpoint.save(file, policy, tokenizer.spec(), 0, 0, metadata);
    }
  }

  private RolloutsConfig rolloutsConfig(KafkaSession kafka, Path sft) {
    GrpoConfig g = config.grpo();
    RunRolloutsConfig r = config.rollouts();
    return new RolloutsConfig(
        sft.toAbsolutePath().toString(),
        null,
        kafka.settings(),
        config.rewards(),
        g.sampling(), // the learner's own spec: in a run the two sides cannot disagree
        null,
        r.microBatch(),
        r.parallelism(),
        r.checkpointIntervalMs(),
        Delivery.EXACTLY_ONCE,
        "tributary-run-" + kafka.settings().topics().prompts(),
        PromptsConfig.kafka(),
        0,
        runDir.toString(),
        config.seed(),
        r.recordRouting());
  }

  /** A LoRA policy is its own reference (adapters off); only full training needs a frozen copy. */
  static boolean needsReferenceCopy(GrpoConfig grpo) {
    return grpo.beta() > 0 && grpo.lora() == null;
  }
}
