package io.tributary.run;

import static io.tributary.config.ConfigException.badValue;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.experiment.DemoConfig;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.RoutingReplay;
import io.tributary.kafka.KafkaConfig;
import io.tributary.learner.LearnerConfig;
import io.tributary.model.ModelConfig;
import io.tributary.policy.ChatConfig;
import io.tributary.policy.PolicySource;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import java.nio.file.Path;

/**
 * The closed loop, {@code ./tributary run --config configs/default.yaml}: task data, SFT cold
 * start, the rollout job, the learner, the prompt feeder, evaluation and the budget. Every key is a
 * component below; a missing key takes its default. Paths are relative to the working directory.
 *
 * @param model the policy: a model config YAML path, or {@code {hf: DIR}} for a Hugging Face model
 *     directory (imported: no SFT cold start, its tokenizer, chat template and stop tokens)
 * @param task arithmetic task settings and split sizes (unused when {@code dataset} is set)
 * @param sftSteps SFT cold-start steps (skipped when the run directory has sft.ckpt, and for an
 *     imported model)
 * @param sftBatch SFT batch size
 * @param sftLearningRate peak SFT learning rate
 * @param grpo the GRPO update; its sampling section (G, temperature, top-p/k, budget, stop) also
 *     drives the rollout workers' sampling (dynamicSampling and maxSamplingRounds belong to the
 *     synchronous demo loop: here the learner trains on the groups that arrive)
 * @param rewards reward functions, scored by the rollout job
 * @param learner the learner service (staleness, checkpoints kept)
 * @param kafka the Kafka cluster, or none to start Tributary's own broker in the run directory
 * @param rollouts the rollout job
 * @param budget when to stop
 * @param evalEveryVersions held-out evaluation every this many policy versions
 * @param evalPrompts held-out prompts per evaluation
 * @param passK samples per held-out prompt
 * @param maxPromptsInFlight prompts fed but not yet consumed by the learner; bounds staleness
 * @param progressEverySeconds interval of the progress line
 * @param seed everything's seed
 * @param dataset prompts from a file (e.g. GSM8K) instead of the generated arithmetic task
 * @param chat system prompt and template variables of an imported model's chat template
 */
public record RunConfig(
    PolicySource model,
    DemoConfig.TaskConfig task,
    Integer sftSteps,
    Integer sftBatch,
    Double sftLearningRate,
    GrpoConfig grpo,
    RewardsConfig rewards,
    LearnerConfig learner,
    KafkaConfig kafka,
    RunRolloutsConfig rollouts,
    RunBudgetConfig budget,
    Integer evalEveryVersions,
    Integer evalPrompts,
    Integer passK,
    Integer maxPromptsInFlight,
    Integer progressEverySeconds,
    Long seed,
    PromptDataset dataset,
    ChatConfig chat) {

  public RunConfig {
    model = model != null ? model : new PolicySource.ModelYaml(Path.of("configs/model/small.yaml"));
    chat = chat != null ? chat : ChatConfig.none();
    task =
        task != null ? task : new DemoConfig.TaskConfig(null, null, null, null, null, null, null);
    sftSteps = sftSteps != null ? sftSteps : 1500;
    sftBatch = sftBatch != null ? sftBatch : 64;
    sftLearningRate = sftLearningRate != null ? sftLearningRate : 2e-3;
    grpo = grpo != null ? grpo : GrpoConfig.defaults();
    learner = learner != null ? learner : LearnerConfig.defaults();
    kafka = kafka != null ? kafka : KafkaConfig.defaults();
    rollouts = rollouts != null ? rollouts : RunRolloutsConfig.defaults();
    budget = budget != null ? budget : new RunBudgetConfig(600, null);
    evalEveryVersions = evalEveryVersions != null ? evalEveryVersions : 10;
    evalPrompts = evalPrompts != null ? evalPrompts : 200;
    passK = passK != null ? passK : 4;
    maxPromptsInFlight =
        maxPromptsInFlight != null ? maxPromptsInFlight : 2 * grpo.promptsPerStep();
    progressEverySeconds = progressEverySeconds != null ? progressEverySeconds : 10;
    seed = seed != null ? seed : 1L;
    if (rewards == null) {
      throw badValue("rewards", null, "a list of reward functions (docs/rewards.md)");
    }
    if (sftSteps < 0) {
      throw badValue("sftSteps", sftSteps, "0 or more");
    }
    if (sftBatch < 1) {
      throw badValue("sftBatch", sftBatch, "1 or more");
    }
    if (!(sftLearningRate > 0)) {
      throw badValue("sftLearningRate", sftLearningRate, "a positive number");
    }
    if (evalEveryVersions < 1) {
      throw badValue("evalEveryVersions", evalEveryVersions, "1 or more");
    }
    int heldout = dataset != null ? dataset.heldout() : task.heldout();
    String heldoutKey = dataset != null ? "dataset.heldout" : "task.heldout";
    if (evalPrompts < 1 || evalPrompts > heldout) {
      throw badValue("evalPrompts", evalPrompts, "between 1 and " + heldoutKey + "=" + heldout);
    }
    if (passK < 1) {
      throw badValue("passK", passK, "1 or more");
    }
    if (maxPromptsInFlight < grpo.promptsPerStep()) {
      // the learner waits for promptsPerStep complete groups: a smaller bound would stall the loop
      throw badValue(
          "maxPromptsInFlight",
          maxPromptsInFlight,
          "at least grpo.promptsPerStep=" + grpo.promptsPerStep() + " (else the loop stalls)");
    }
    if (progressEverySeconds < 1) {
      throw badValue("progressEverySeconds", progressEverySeconds, "1 or more");
    }
    if (grpo.routingReplay() == RoutingReplay.REPLAY && !rollouts.recordRouting()) {
      // replay trains on the sampler's experts: without a trace the learner refuses every group
      throw badValue(
          "rollouts.recordRouting",
          false,
          "true when grpo.routingReplay is replay (replay needs the sampler's recorded experts)");
    }
    if (learner.keepCheckpoints() < 2) {
      // a worker may still be loading the previous version when the next one is written
      throw badValue("learner.keepCheckpoints", learner.keepCheckpoints(), "2 or more in a run");
    }
  }

  public static RunConfig read(Path file) {
    try {
      return parse(java.nio.file.Files.readString(file), file.toString());
    } catch (java.io.IOException e) {
      throw new ConfigException(file + ": cannot read config: " + e.getMessage(), e);
    }
  }

  public static RunConfig parse(String yaml, String source) {
    RunConfig bound = Yaml.read(yaml, RunConfig.class, source); // errors name this text's lines
    return ModelSamplingDefaults.fill(bound, yaml, source);
  }

  /**
   * Checks what the record alone cannot, before anything starts: the model config file loads, its
   * context has room beside a completion, and every reward function exists.
   */
  public ModelConfig validate() {
    ModelConfig modelConfig = model.architecture(); // a missing file or directory names the key
    model.requireTrainable("model"); // a run's learner trains this policy: float32 only
    if (dataset != null && !model.isImported() && sftSteps > 0) {
      throw badValue(
          "sftSteps",
          sftSteps,
          "0 with a dataset (its prompts have no SFT traces for a cold start of a new model)");
    }
    if (modelConfig.maxSeqLen() <= grpo.maxNewTokens()) {
      throw badValue(
          "grpo.sampling.maxNewTokens",
          grpo.maxNewTokens(),
          "less than the model's maxSeqLen "
              + modelConfig.maxSeqLen()
              + " (the prompt needs room)");
    }
    try (RewardScorer scorer = RewardScorer.fromConfig(rewards)) {
      scorer.getClass(); // built: every reward name resolved
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException("rewards: " + e.getMessage(), e);
    }
    return modelConfig;
  }

  /** The same config with another Kafka (e.g. given bootstrap servers). */
  public RunConfig withKafka(KafkaConfig settings) {
    return new RunConfig(
        model,
        task,
        sftSteps,
        sftBatch,
        sftLearningRate,
        grpo,
        rewards,
        learner,
        settings,
        rollouts,
        budget,
        evalEveryVersions,
        evalPrompts,
        passK,
        maxPromptsInFlight,
        progressEverySeconds,
        seed,
        dataset,
        chat);
  }
}
