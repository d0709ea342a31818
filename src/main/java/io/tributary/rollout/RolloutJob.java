package io.tributary.rollout;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.checkpoint.CheckpointHeader;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.ScoredGroup;
import io.tributary.reward.RewardPlugins;
import io.tributary.tokenizer.TokenizerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The rollout job's graph: prompts → validate (bad records to dead letters) → micro-batch →
 * generate (G completions per prompt, policy hot reload from the broadcast policy-version stream) →
 * score (a group a reward function failed on to dead letters) → scored groups, one record per
 * prompt. A group is generated and scored whole, in one element, so no step waits for its members.
 * The graph takes its input streams and sinks as arguments; {@link RolloutsRunner} wires Kafka and
 * files, tests wire their own. Every operator has a name and a uid (so savepoints map state to
 * operators).
 */
public final class RolloutJob {
  /** Fixed, so that {@link BatchKeys} and the job agree on key groups. */
  public static final int MAX_PARALLELISM = 128;

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private RolloutJob() {}

  /**
   * What the graph needs: the config, the policy's header (context length, version) and its
   * tokenizer, which for a LoRA run's adapter version is its base's, resolved here once.
   */
  public record Plan(RolloutsConfig config, CheckpointHeader policy, TokenizerSpec tokenizer) {
    /** Reads the policy checkpoint's header (and verifies the file) once, before the job runs. */
    public static Plan of(RolloutsConfig config) {
      Checkpoint checkpoint = Checkpoint.read(Path.of(config.policyCheckpoint()));
      return new Plan(config, checkpoint.header(), checkpoint.tokenizer());
    }
  }

  /** The job's two outputs, before they reach their sinks. */
  public record Outputs(DataStream<ScoredGroup> groups, DataStream<DeadLetter> deadLetters) {
    public void sinkTo(Sink<ScoredGroup> groupSink, Sink<DeadLetter> deadLetterSink) {
      groups.sinkTo(groupSink).name("scored-groups-sink").uid("scored-groups-sink");
      deadLetters.sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
    }
  }

  /**
   * Flink settings of the job: checkpointing at the configured interval, generic (Kryo) types off
   * so a non-POJO stream element fails at build time, the fixed max parallelism.
   */
  public static Configuration flinkConfiguration(RolloutsConfig config) {
    Configuration flink = new Configuration();
    flink.set(PipelineOptions.GENERIC_TYPES, false);
    // stream elements are immutable records: chained operators may pass them on without the deep
    // copy (token ids, log-probs) Flink makes otherwise
    flink.set(PipelineOptions.OBJECT_REUSE, true);
    flink.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
    flink.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        Duration.ofMillis(config.checkpointIntervalMs()));
    return flink;
  }

  /** The jars of the active plug-ins and of those the rewards config names. */
  static List<String> pluginJars(RolloutsConfig config) {
    List<Path> directories = new ArrayList<>();
    RewardPlugins.active().ifPresent(active -> directories.addAll(active.directories()));
    directories.addAll(config.rewards().pluginDirectories());
    return directories.isEmpty() ? List.of() : RewardPlugins.open(directories).jarUrls();
  }

  public static void configure(StreamExecutionEnvironment env, RolloutsConfig config) {
    env.configure(flinkConfiguration(config), RolloutJob.class.getClassLoader());
    // reward plug-ins ship with the job: its tasks find them on the job's class loader, on a
    // MiniCluster and on a cluster alike (docs/rewards.md). Added to the jars already there, since
    // configure() replaces the list and on a cluster it holds the job's own jar.
    List<String> plugins = pluginJars(config);
    if (!plugins.isEmpty()) {
      Set<String> jars =
          new LinkedHashSet<>(
              env.getConfiguration().getOptional(PipelineOptions.JARS).orElse(List.of()));
      jars.addAll(plugins);
      Configuration withPlugins = new Configuration();
      withPlugins.set(PipelineOptions.JARS, List.copyOf(jars));
      env.configure(withPlugins, RolloutJob.class.getClassLoader());
    }
    env.setParallelism(config.parallelism());
    env.setMaxParallelism(MAX_PARALLELISM);
  }

  /**
   * @param prompts raw prompt records (Kafka or file)
   * @param policyVersions raw policy-version events, broadcast to every generation subtask
   */
  public static Outputs build(
      Plan plan, DataStream<RawInput> prompts, DataStream<RawInput> policyVersions) {
    RolloutsConfig config = plan.config();
    int parallelism = config.parallelism();

    SingleOutputStreamOperator<ValidPrompt> valid =
        prompts
            .process(
                new ValidateFunction(
                    plan.tokenizer(), plan.policy().modelConfig().maxSeqLen(), DEAD_LETTERS))
            .name("validate-prompts")
            .uid("validate-prompts");

    DataStream<PromptBatch> batches =
        valid
            .keyBy(BatchKeys.of(parallelism, MAX_PARALLELISM))
            .process(new MicroBatchFunction(config.microBatch()))
            .name("micro-batch")
            .uid("micro-batch")
            .setParallelism(parallelism);

    SingleOutputStreamOperator<PolicyVersionEvent> events =
        policyVersions
            .process(new PolicyEventDecoder(DEAD_LETTERS))
            .name("decode-policy-versions")
            .uid("decode-policy-versions");
    BroadcastStream<PolicyVersionEvent> policy = events.broadcast(GenerateFunction.LATEST_POLICY);

    DataStream<SampledGroup> sampled =
        batches
            .connect(policy)
            .process(
                new GenerateFunction(
                    config.policyCheckpoint(),
                    config.sampling(),
                    config.samplingThreads(),
                    config.seed(),
                    config.recordRouting()))
            .name("generate")
            .uid("generate")
            .setParallelism(parallelism);

    SingleOutputStreamOperator<ScoredGroup> scored =
        sampled
            // the plug-in jars are shipped with the job (pipeline.jars), not loaded again here
            .process(
                new ScoreFunction(
                    config.rewards().withoutPlugins(), config.sampling(), DEAD_LETTERS))
            .name("score")
            .uid("score")
            .setParallelism(parallelism);

    DataStream<DeadLetter> deadLetters =
        valid
            .getSideOutput(DEAD_LETTERS)
            .union(events.getSideOutput(DEAD_LETTERS), scored.getSideOutput(DEAD_LETTERS));
    return new Outputs(scored, deadLetters);
  }

  /** The prompts of a JSON Lines file, as a bounded, checkpointed source. */
  public static DataStream<RawInput> jsonlPrompts(StreamExecutionEnvironment env, Path file) {
    return env.fromData(JsonlInput.read(file), TypeInformation.of(RawInput.class))
        .name("prompts-file")
        .uid("prompts-source");
  }

  /** The records of a Kafka topic as raw inputs. */
  public static DataStream<RawInput> kafkaInput(
      StreamExecutionEnvironment env,
      org.apache.flink.connector.kafka.source.KafkaSource<RawInput> source,
      String uid) {
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), uid).uid(uid);
  }
}
