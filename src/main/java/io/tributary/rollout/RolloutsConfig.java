package io.tributary.rollout;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.SamplingConfig;
import io.tributary.reward.RewardsConfig;
import java.nio.file.Path;

/**
 * The config of the rollout job ({@code ./tributary rollouts --config FILE}); every key is a
 * component below and a missing key takes its default. See {@code configs/rollouts.yaml}.
 *
 * @param policyCheckpoint the policy the job starts from (a Tributary checkpoint file)
 * @param initModel a model config YAML (or a Hugging Face model directory, or a YAML saying {@code
 *     hf: DIR}, imported with its weights and tokenizer): when {@code policyCheckpoint} does not
 *     exist, the command writes a freshly initialised policy of this config there (and says so);
 *     null to require it
 * @param rewards the reward functions (docs/rewards.md)
 * @param sampling G and how each completion is drawn: the same section as the learner's run config,
 *     which refuses groups drawn with another
 * @param samplingThreads libtorch intra-op threads of each generation worker: sampling runs many
 *     small ops, where one thread per worker is fastest (see {@code IntraOpThreads}); scale out
 *     with parallelism instead
 * @param parallelism generation subtasks, each with its own policy replica
 * @param checkpointIntervalMs Flink checkpoint interval; with exactly-once delivery, groups become
 *     visible to read_committed readers at this pace
 * @param transactionalIdPrefix prefix of the Kafka transactional ids of the sinks; two jobs on one
 *     cluster need different prefixes
 * @param webUiPort the Flink web UI of the embedded MiniCluster; 0 picks a free port
 * @param runDir where the embedded broker keeps its data when no bootstrap servers are given
 * @param seed mixed into every sampling seed (seeds also depend on the group and sample index)
 * @param recordRouting whether an MoE policy's groups carry the experts the sampler routed each
 *     token to, for the learner's routing-mismatch metrics and routing replay; default true, as
 *     recording costs no measurable sampling time and a few bytes per token
 *     (docs/routing-replay.md); a dense policy's groups never carry routing
 */
public record RolloutsConfig(
    String policyCheckpoint,
    String initModel,
    KafkaConfig kafka,
    RewardsConfig rewards,
    SamplingConfig sampling,
    Integer samplingThreads,
    MicroBatchConfig microBatch,
    Integer parallelism,
    Long checkpointIntervalMs,
    Delivery delivery,
    String transactionalIdPrefix,
    PromptsConfig prompts,
    Integer webUiPort,
    String runDir,
    Long seed,
    Boolean recordRouting) {

  public RolloutsConfig {
    if (policyCheckpoint == null || policyCheckpoint.isBlank()) {
      throw ConfigException.badValue("policyCheckpoint", policyCheckpoint, "a checkpoint path");
    }
    kafka = kafka == null ? KafkaConfig.defaults() : kafka;
    if (rewards == null) {
      throw ConfigException.badValue("rewards", null, "a rewards section (docs/rewards.md)");
    }
    sampling = sampling == null ? SamplingConfig.defaults() : sampling;
    samplingThreads = samplingThreads == null ? 1 : samplingThreads;
    if (samplingThreads < 1) {
      throw ConfigException.badValue("samplingThreads", samplingThreads, "a number >= 1");
    }
    microBatch = microBatch == null ? MicroBatchConfig.defaults() : microBatch;
    parallelism = parallelism == null ? 1 : parallelism;
    if (parallelism < 1) {
      throw ConfigException.badValue("parallelism", parallelism, "a number >= 1");
    }
    checkpointIntervalMs = checkpointIntervalMs == null ? 2000L : checkpointIntervalMs;
    if (checkpointIntervalMs < 10) {
      throw ConfigException.badValue("checkpointIntervalMs", checkpointIntervalMs, "≥ 10 ms");
    }
    delivery = delivery == null ? Delivery.EXACTLY_ONCE : delivery;
    transactionalIdPrefix =
        transactionalIdPrefix == null ? "tributary-rollouts" : transactionalIdPrefix;
    if (transactionalIdPrefix.isBlank()) {
      throw ConfigException.badValue("transactionalIdPrefix", "", "a non-blank prefix");
    }
    prompts = prompts == null ? PromptsConfig.kafka() : prompts;
    webUiPort = webUiPort == null ? 8081 : webUiPort;
    if (webUiPort < 0 || webUiPort > 65535) {
      throw ConfigException.badValue("webUiPort", webUiPort, "a port in [0, 65535]");
    }
    runDir = runDir == null ? "runs/rollouts" : runDir;
    seed = seed == null ? 0L : seed;
    recordRouting = recordRouting == null ? Boolean.TRUE : recordRouting;
  }

  public static RolloutsConfig read(Path file) {
    return Yaml.read(file, RolloutsConfig.class);
  }

  public static RolloutsConfig parse(String yaml, String source) {
    return Yaml.read(yaml, RolloutsConfig.class, source);
  }

  /** G, completions per prompt. */
  public int groupSize() {
    return sampling.groupSize();
  }

  public RolloutsConfig withKafka(KafkaConfig settings) {
    return new RolloutsConfig(
        policyCheckpoint,
        initModel,
        settings,
        rewards,
        sampling,
        samplingThreads,
        microBatch,
        parallelism,
        checkpointIntervalMs,
        delivery,
        transactionalIdPrefix,
        prompts,
        webUiPort,
        runDir,
        seed,
        recordRouting);
  }

  public RolloutsConfig withParallelism(int p) {
    return new RolloutsConfig(
        policyCheckpoint,
        initModel,
        kafka,
        rewards,
        sampling,
        samplingThreads,
        microBatch,
        p,
        checkpointIntervalMs,
        delivery,
        transactionalIdPrefix,
        prompts,
        webUiPort,
        runDir,
        seed,
        recordRouting);
  }

  public RolloutsConfig withPolicyCheckpoint(String path) {
    return new RolloutsConfig(
        path,
        initModel,
        kafka,
        rewards,
        sampling,
        samplingThreads,
        microBatch,
        parallelism,
        checkpointIntervalMs,
        delivery,
        transactionalIdPrefix,
        prompts,
        webUiPort,
        runDir,
        seed,
        recordRouting);
  }

  public RolloutsConfig withWebUiPort(int port) {
    return new RolloutsConfig(
        policyCheckpoint,
        initModel,
        kafka,
        rewards,
        sampling,
        samplingThreads,
        microBatch,
        parallelism,
        checkpointIntervalMs,
        delivery,
        transactionalIdPrefix,
        prompts,
        port,
        runDir,
        seed,
        recordRouting);
  }
}
