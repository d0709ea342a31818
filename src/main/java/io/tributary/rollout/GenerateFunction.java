package io.tributary.rollout;

import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.SamplingConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink adapter of {@link RolloutGenerator}. Each subtask opens its own replica in {@code open()},
 * on the thread that will sample (grad mode is per thread; a restarted task gets a new thread). The
 * broadcast side keeps the newest policy-version event in broadcast state (so a restored task finds
 * it); before each batch a subtask whose replica is older loads it.
 */
final class GenerateFunction
    extends BroadcastProcessFunction<PromptBatch, PolicyVersionEvent, SampledGroup> {
  static final MapStateDescriptor<String, PolicyVersionEvent> LATEST_POLICY =
      new MapStateDescriptor<>(
          "latest-policy", Types.STRING, TypeInformation.of(PolicyVersionEvent.class));
  private static final String LATEST = "latest";
  private static final Logger LOG = LoggerFactory.getLogger(GenerateFunction.class);

  private final String checkpoint;
  private final SamplingConfig sampling;
  private final int threads;
  private final long seed;
  private final boolean recordRouting;
  private transient RolloutGenerator generator;
  private transient long refusedVersion;
  private transient Meter rollouts;
  private transient Meter tokens;
  private transient Counter policyLoads;
  private transient Counter policyRefusals;
  private transient long groupsGenerated;
  private transient long busyNanos;
  private transient long openedNanos;

  GenerateFunction(
      String checkpoint, SamplingConfig sampling, int threads, long seed, boolean recordRouting) {
    this.checkpoint = checkpoint;
    this.sampling = sampling;
    this.threads = threads;
    this.seed = seed;
    this.recordRouting = recordRouting;
  }

  @Override
  public void open(OpenContext context) {
    generator = RolloutGenerator.open(Path.of(checkpoint), sampling, threads, seed, recordRouting);
    refusedVersion = -1;
    openedNanos = System.nanoTime();
    var metrics = getRuntimeContext().getMetricGroup();
    rollouts = metrics.meter("rolloutsPerSecond", new MeterView(10));
    tokens = metrics.meter("tokensPerSecond", new MeterView(10));
    metrics.gauge("policyVersion", (Gauge<Long>) () -> generator.policyVersion());
    policyLoads = metrics.counter("policyLoads");
    policyRefusals = metrics.counter("policyRefusals");
  }

  @Override
  public void processBroadcastElement(
      PolicyVersionEvent event, Context ctx, Collector<SampledGroup> out) throws Exception {
    var state = ctx.getBroadcastState(LATEST_POLICY);
    PolicyVersionEvent current = state.get(LATEST);
    if (current == null || event.version() > current.version()) {
      state.put(LATEST, event);
    }
  }

  @Override
  public void processElement(PromptBatch batch, ReadOnlyContext ctx, Collector<SampledGroup> out)
      throws Exception {
    PolicyVersionEvent latest = ctx.getBroadcastState(LATEST_POLICY).get(LATEST);
    if (latest != null
        && latest.version() > generator.policyVersion()
        && latest.version() != refusedVersion) {
      swap(latest);
    }
    long start = System.nanoTime();
    List<SampledGroup> groups = generator.generate(batch.prompts(), System.currentTimeMillis());
    busyNanos += System.nanoTime() - start;
    groupsGenerated += groups.size();
    for (SampledGroup group : groups) {
      rollouts.markEvent(group.completions().size());
      tokens.markEvent(group.tokenCount());
      out.collect(group);
    }
  }

  private void swap(PolicyVersionEvent event) {
    PolicySwap outcome = generator.reload(event);
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    if (outcome instanceof PolicySwap.Loaded loaded) {
      policyLoads.inc();
      // one line per version: DEBUG, the policyLoads metric and the policyVersion gauge count them
      LOG.debug(
          "generation subtask {}: policy version {} -> {} in {} ms",
          subtask,
          loaded.from(),
          loaded.version(),
          loaded.millis());
    } else if (outcome instanceof PolicySwap.Refused refused) {
      // a bad event must not stop rollouts: keep sampling with the current policy, say so loudly
      refusedVersion = refused.offered();
      policyRefusals.inc();
      LOG.error(
          "generation subtask {}: policy version {} refused, staying on {}: {}",
          subtask,
          refused.offered(),
          refused.current(),
          refused.reason());
    }
  }

  @Override
  public void close() {
    LOG.info(
        "generation subtask {}: {} groups, generating {} s of {} s open",
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
        groupsGenerated,
        String.format("%.1f", busyNanos / 1e9),
        String.format("%.1f", (System.nanoTime() - openedNanos) / 1e9));
    if (generator != null) {
      generator.close();
    }
  }
}
