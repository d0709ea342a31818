package io.tributary.run;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.hf.LoraPolicies;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaSession;
import io.tributary.learner.LearnerService;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.policy.PolicySource;
import io.tributary.policy.PolicyStore;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./tributary learner}: the learner alone, for a GPU machine beside a Flink cluster whose
 * rollout workers load policy versions from the same (shared) store. Runs until the budget's
 * version count is reached or the process is stopped; every update is checkpointed first, so a stop
 * at any moment loses nothing the checkpoint does not restore.
 *
 * <p>The store directory is also a run directory that {@link RunReplay} can replay, laid out as
 * {@link RunLoop}'s: the config the learner ran with (its Kafka servers included) as {@code
 * config.yaml}, the first checkpoint as {@code sft.ckpt} (the {@code --init} policy) or {@code
 * imported.ckpt}, and {@code trained-groups.jsonl}; the policy versions lie beside them rather than
 * in {@code policies/}, since rollout workers load them from this directory.
 */
public final class StandaloneLearner {
  private StandaloneLearner() {}

  /**
   * @param initial the policy to publish as version 0 when the store is empty (e.g. the SFT
   *     checkpoint); may be null when the store has a version, or when the config's model is a
   *     Hugging Face directory (imported as version 0)
   */
  public static void run(
      RunConfig config, String bootstrap, Path storeDir, Path initial, PrintStream out)
      throws Exception {
    config.validate();
    KafkaConfig settings = config.kafka().withBootstrapServers(bootstrap);
    PolicySource source = config.model().resolved();
    // an imported model is its own version 0; a model YAML's policy needs --init (its SFT start)
    boolean fromImport = initial == null && source.isImported();
    // the run's first checkpoint, under the name a replay looks for; it is also the KL reference
    Path startFile =
        storeDir.resolve(
            source.isImported() ? RunLoop.IMPORTED_CHECKPOINT : RunLoop.SFT_CHECKPOINT);
    // a LoRA version names its base: --init, the import, or (resumed without --init) the store's
    // copy of the first checkpoint
    String adapterBase =
        initial != null
            ? initial.toString()
            : fromImport
                ? source.location()
                : Files.exists(startFile) ? startFile.toString() : null;
    PolicyStore store = new PolicyStore(storeDir, config.learner().keepCheckpoints(), adapterBase);
    Path start =
        store
            .latest()
            .map(PolicyStore.Entry::path)
            .orElseGet(() -> fromImport ? null : requireInitial(initial));
    Checkpoint checkpoint = start == null ? null : Checkpoint.read(start);
    Files.createDirectories(storeDir);
    saveConfig(config.withKafka(settings), storeDir);
    if (initial != null && !Files.exists(startFile)) {
      copyWhole(initial, startFile);
    }
    GrpoConfig g = config.grpo();
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook = new Thread(() -> stop.set(true), "learner-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Tokenizer tokenizer =
            checkpoint == null ? source.tokenizer() : Tokenizer.fromSpec(checkpoint.tokenizer());
        KafkaSession kafka = KafkaConnect.open(settings, storeDir, out);
        PolicyModel policy = load(checkpoint, source);
        PolicyModel reference =
            RunLoop.needsReferenceCopy(g)
                // the first policy, as in a run, not the version a resumed learner starts from
                ? load(Files.exists(startFile) ? Checkpoint.read(startFile) : checkpoint, source)
                : null) {
      if (checkpoint == null && !Files.exists(startFile)) {
        RunLoop.writeImported(startFile, policy, source.location(), tokenizer);
      }
      SamplingParams sampling =
          GenerationDefaults.of(policy.config()).withStopTokens(g.sampling().params(tokenizer));
      GrpoTrainer trainer = new GrpoTrainer(policy, reference, g, sampling, tokenizer.pad());
      try (LearnerService learner =
          new LearnerService(
              config.learner(),
              kafka.settings(),
              store,
              policy,
              tokenizer,
              trainer,
              report ->
                  out.printf(
                      "version %s: reward %s, kl %s, entropy %s, staleness %s, %s rollouts"
                          + " trained, %s groups not scored%n",
                      report.version(),
                      String.format("%.3f", report.trainedOn().rewardMean()),
                      shown(report.stats().kl(), "%.4f"),
                      String.format("%.3f", report.stats().entropy()),
                      String.format("%.2f", report.trainedOn().stalenessMean()),
                      report.counters().trainedRollouts(),
                      report.counters().unscoredGroups()))) {
        learner.start(checkpoint == null ? 0 : checkpoint.header().trainingStep());
        learner.recordTrainedGroups(
            TrainedGroupsLog.open(
                storeDir, learner.version(), policy, config.learner().threads(), g.seed()));
        out.printf(
            "learner: version %d from %s; reading %s at %s; store %s%n",
            learner.version(),
            start != null ? start : source.location(),
            kafka.settings().topics().scoredRollouts(),
            kafka.settings().bootstrapServers(),
            storeDir.toAbsolutePath());
        Integer versions = config.budget().versions();
        learner.run(() -> stop.get() || (versions != null && learner.version() >= versions));
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook has run
      }
    }
  }

  /**
   * Saves the config as the run's; a learner resumed with other learner settings (grpo, model or
   * seed) is refused, since the versions of one store must replay with one config. Budget and Kafka
   * servers may change: the newest are saved.
   */
  private static void saveConfig(RunConfig config, Path storeDir) throws IOException {
    Path file = storeDir.resolve(RunLoop.CONFIG_FILE);
    if (Files.isRegularFile(file)) {
      RunConfig saved = RunConfig.read(file);
      requireSame("grpo", Yaml.write(saved.grpo()), Yaml.write(config.grpo()), file);
      requireSame("model", Yaml.write(saved.model()), Yaml.write(config.model()), file);
      requireSame("seed", saved.seed().toString(), config.seed().toString(), file);
    }
    // written whole or not at all: a kill mid-write must not leave a store that cannot be replayed
    Path temp = Files.createTempFile(storeDir, "." + RunLoop.CONFIG_FILE + ".", ".tmp");
    Files.writeString(temp, Yaml.write(config));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void requireSame(String key, String saved, String given, Path file) {
    if (!saved.equals(given)) {
      throw ConfigException.badValue(
          key,
          given.strip(),
          "the "
              + key
              + " the store's learner ran with ("
              + file
              + ": "
              + saved.strip()
              + "); a new store for other learner settings");
    }
  }

  private static void copyWhole(Path from, Path to) throws IOException {
    Checkpoint.read(from); // a missing or corrupt --init is named before anything is copied
    Path temp = Files.createTempFile(to.getParent(), "." + to.getFileName() + ".", ".tmp");
    Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The policy of {@code checkpoint} (adapters over the base they name), else the import. */
  private static PolicyModel load(Checkpoint checkpoint, PolicySource source) {
    return checkpoint == null
        ? source.importModel().orElseThrow()
        : LoraPolicies.load(checkpoint, null, checkpoint.header().modelConfig().device());
  }

  /** A metric that was not computed (kl at beta = 0) shows as "-", never as 0 or "null". */
  private static String shown(OptionalDouble value, String format) {
    return value.isPresent() ? String.format(format, value.getAsDouble()) : "-";
  }

  private static Path requireInitial(Path initial) {
    if (initial == null) {
      throw ConfigException.badValue(
          "--init", null, "a policy checkpoint to start from (the policy store is empty)");
    }
    return initial;
  }
}
