package io.tributary.rollout;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.checkpoint.CheckpointException;
import io.tributary.hf.LoraPolicies;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.Completion;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.GradMode;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.PolicyModel;
import io.tributary.model.Sampler;
import io.tributary.model.SamplingParams;
import io.tributary.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One policy replica and its tokenizer: turns a micro-batch of prompts into G completions each, in
 * one batched sampler call over prompts × G rows, and swaps to a newer policy checkpoint between
 * batches. Not thread-safe: one per generation subtask, used on that subtask's thread.
 */
public final class RolloutGenerator implements AutoCloseable {
  private final PolicyModel replica;
  private final Tokenizer tokenizer;
  private final SamplingParams params;
  private final int groupSize;
  private final long seed;
  private final boolean recordRouting;
  private long policyVersion;

  private RolloutGenerator(
      PolicyModel replica,
      Tokenizer tokenizer,
      SamplingParams params,
      int groupSize,
      long seed,
      boolean recordRouting,
      long policyVersion) {
    this.replica = replica;
    this.tokenizer = tokenizer;
    this.params = params;
    this.groupSize = groupSize;
    this.seed = seed;
    this.recordRouting = recordRouting;
    this.policyVersion = policyVersion;
  }

  /**
   * Loads the policy at {@code checkpoint} and turns autograd recording off on the calling thread,
   * the thread that will generate (libtorch's grad mode is per thread: docs/engineering-notes.md,
   * "Grad mode is per thread").
   */
  public static RolloutGenerator open(
      Path checkpoint, SamplingConfig sampling, int threads, long seed) {
    return open(checkpoint, sampling, threads, seed, true);
  }

  /**
   * {@link #open(Path, SamplingConfig, int, long)}; with {@code recordRouting} an MoE policy's
   * completions carry the experts they were routed to (a dense policy's never do).
   */
  public static RolloutGenerator open(
      Path checkpoint, SamplingConfig sampling, int threads, long seed, boolean recordRouting) {
    Checkpoint read = Checkpoint.read(checkpoint);
    Tokenizer tokenizer = Tokenizer.fromSpec(read.tokenizer());
    // a LoRA run's start is its adapters over the base they name, e.g. an imported model's folder
    PolicyModel replica = LoraPolicies.load(read, null, read.header().modelConfig().device());
    GradMode.disabled(); // left off for the life of this thread: no graph is ever wanted here
    IntraOpThreads.setForThisThread(threads);
    // an imported model also stops where its generation_config.json says, as the learner expects
    GenerationDefaults model = GenerationDefaults.of(read.header().modelConfig());
    return new RolloutGenerator(
        replica,
        tokenizer,
        model.withStopTokens(sampling.params(tokenizer)),
        sampling.groupSize(),
        seed,
        recordRouting,
        read.header().policyVersion());
  }

  public long policyVersion() {
    return policyVersion;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public int maxSeqLen() {
    return replica.config().maxSeqLen();
  }

  public int groupSize() {
    return groupSize;
  }

  /** G completions of every prompt, sampled by the current policy in one batched call. */
  public List<SampledGroup> generate(List<ValidPrompt> prompts, long nowMillis) {
    List<int[]> rows = new ArrayList<>(prompts.size() * groupSize);
    long[] seeds = new long[prompts.size() * groupSize];
    for (ValidPrompt p : prompts) {
      for (int i = 0; i < groupSize; i++) {
        seeds[rows.size()] = seed(seed, p.groupId(), i);
        rows.add(p.tokens());
      }
    }
    List<Completion> completions = Sampler.generate(replica, rows, params, seeds, recordRouting);
    List<SampledGroup> groups = new ArrayList<>(prompts.size());
    for (int g = 0; g < prompts.size(); g++) {
      List<Completion> group = completions.subList(g * groupSize, (g + 1) * groupSize);
      List<String> texts = new ArrayList<>(groupSize);
      for (Completion c : group) {
        texts.add(tokenizer.decode(c.tokens()));
      }
      groups.add(
          new SampledGroup(prompts.get(g), policyVersion, List.copyOf(group), texts, nowMillis));
    }
    return groups;
  }

  /**
   * Loads the event's checkpoint into the replica if it is newer than the running version and its
   * SHA-256 matches the event's; otherwise leaves the replica as it was and says why.
   */
  public PolicySwap reload(PolicyVersionEvent event) {
    if (event.version() <= policyVersion) {
      return new PolicySwap.Ignored(policyVersion, event.version());
    }
    long start = System.nanoTime();
    Path file = Path.of(event.checkpointPath());
    try {
      String actual = Checkpoint.sha256(file);
      if (!actual.equals(event.checksumSha256())) {
        return refuse(event, "checksum mismatch: file has " + actual);
      }
      Checkpoint read = Checkpoint.read(file);
      if (!read.hasTokenizer(tokenizer.spec())) {
        return refuse(event, "the checkpoint's tokenizer differs from the running policy's");
      }
      read.loadInto(replica);
    } catch (CheckpointException e) {
      return refuse(event, e.getMessage());
    }
    long from = policyVersion;
    policyVersion = event.version();
    return new PolicySwap.Loaded(from, policyVersion, (System.nanoTime() - start) / 1_000_000);
  }

  private PolicySwap refuse(PolicyVersionEvent event, String reason) {
    return new PolicySwap.Refused(
        policyVersion, event.version(), event.checkpointPath() + ": " + reason);
  }

  /**
   * The sampling seed of one row: a function of the group id (prompt id and input position) and the
   * sample index only, so a replay after a restart draws the same completions, whatever batch the
   * prompt lands in. SplitMix64's finaliser spreads nearby inputs (Steele et al. 2014).
   */
  static long seed(long base, String groupId, int sampleIndex) {
    long h = base;
    for (byte b : groupId.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return mix(h ^ (0x9E3779B97F4A7C15L * (sampleIndex + 1)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    replica.close();
    tokenizer.close();
  }
}
