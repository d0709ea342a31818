package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched autoregressive sampling. Prompts of different lengths are left-padded into one batch;
 * each row's positions start at 0 at its first real token and padding keys are masked, so a row's
 * result does not depend on its batch mates. With the KV cache each step feeds one token per row;
 * without it (the benchmark's baseline) each step recomputes the whole prefix. Autograd recording
 * is off on the calling thread for the duration, whatever thread that is.
 */
public final class Sampler {
  private Sampler() {}

  /** One completion per prompt; row i draws from its own generator seeded with seeds[i]. */
  public static List<Completion> generate(
      PolicyModel model, List<int[]> prompts, SamplingParams params, long[] seeds) {
    return generate(model, prompts, params, seeds, false);
  }

  /** {@link #generate(PolicyModel, List, SamplingParams, long[])}, recording routing if asked. */
  public static List<Completion> generate(
      PolicyModel model,
      List<int[]> prompts,
      SamplingParams params,
      long[] seeds,
      boolean recordRouting) {
    // every row gets the same budget, bounded by the room the longest prompt leaves
    int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    int room = model.config().maxSeqLen() - longest;
    if (!prompts.isEmpty() && room <= 0) {
      throw new IllegalArgumentException(
          "prompt of "
              + longest
              + " tokens leaves no room within maxSeqLen="
              + model.config().maxSeqLen());
    }
    SamplingParams bounded =
        params.maxNewTokens() > room && room > 0 ? params.withMaxNewTokens(room) : params;
    return generate(
        model, prompts, Collections.nCopies(prompts.size(), bounded), seeds, null, recordRouting);
  }

  /**
   * Sees each token as it is drawn, with the logits it was drawn from, and may end its row there: a
   * server streams tokens and stops at a stop string this way.
   */
  @FunctionalInterface
  public interface TokenListener {
    /**
     * Row {@code row} drew {@code token}; its logits are {@code logits[offset, offset + vocab)}.
     * Returns false to end the row now (finish reason STOP).
     */
    boolean onToken(int row, int token, float[] logits, int offset, int vocab);
  }

  /**
   * One completion per prompt with each row's own sampling parameters (temperature, top-p, top-k,
   * token budget, stop tokens), so requests that differ in them share one batch. A row ends at one
   * of its stop tokens, at its own {@code maxNewTokens} or where its own prompt and completion fill
   * {@code maxSeqLen} (positions count from each row's first token, so a short prompt beside a long
   * one keeps its whole budget), or when {@code listener} (may be null) says so. The KV cache is
   * used when the first row's parameters ask for it.
   */
  public static List<Completion> generate(
      PolicyModel model,
      List<int[]> prompts,
      List<SamplingParams> rowParams,
      long[] seeds,
      TokenListener listener) {
    return generate(model, prompts, rowParams, seeds, listener, false);
  }

  /**
   * {@link #generate(PolicyModel, List, List, long[], TokenListener)}, and with {@code
   * recordRouting} each completion carries the experts every MoE layer routed each of its tokens
   * through ({@link Completion#routing()}), for the learner to replay.
   */
  public static List<Completion> generate(
      PolicyModel model,
      List<int[]> prompts,
      List<SamplingParams> rowParams,
      long[] seeds,
      TokenListener listener,
      boolean recordRouting) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    if (seeds.length != prompts.size()) {
      throw new IllegalArgumentException(
          "seeds: got " + seeds.length + ", expected one per prompt (" + prompts.size() + ")");
    }
    if (rowParams.size() != prompts.size()) {
      throw new IllegalArgumentException(
          "sampling params: got "
              + rowParams.size()
              + ", expected one per prompt ("
              + prompts.size()
              + ")");
    }
    int batch = prompts.size();
    int maxSeqLen = model.config().maxSeqLen();
    int promptLength = 0;
    int maxNew = 0;
    int[] rowBudget = new int[batch];
    for (int i = 0; i < batch; i++) {
      int length = prompts.get(i).length;
      if (length == 0) {
        throw new IllegalArgumentException("prompt " + i + " is empty; start it with BOS");
      }
      if (length >= maxSeqLen) {
        throw new IllegalArgumentException(
            "prompt of " + length + " tokens leaves no room within maxSeqLen=" + maxSeqLen);
      }
      promptLength = Math.max(promptLength, length);
      rowBudget[i] = Math.min(rowParams.get(i).maxNewTokens(), maxSeqLen - length);
      maxNew = Math.max(maxNew, rowBudget[i]);
    }
    int[] padding = new int[batch];
    int[][] sequences = new int[batch][promptLength + maxNew];
    for (int i = 0; i < batch; i++) {
      int[] p = prompts.get(i);
      padding[i] = promptLength - p.length;
      System.arraycopy(p, 0, sequences[i], padding[i], p.length);
    }
    SplittableRandom[] rngs = new SplittableRandom[batch];
    for (int i = 0; i < batch; i++) {
      rngs[i] = new SplittableRandom(seeds[i]);
    }
    int vocab = model.config().vocabSize();
    int[][] tokens = new int[batch][maxNew];
    float[][] logProbs = new float[batch][maxNew];
    int[] lengths = new int[batch];
    FinishReason[] finished = new FinishReason[batch];
    float[] logProb = new float[1];
    ModelConfig config = model.config();
    int moeLayers = config.moeLayers();
    boolean recording = recordRouting && moeLayers > 0;
    int perToken = moeLayers * config.topK(); // routed ids per drawn token
    // grown as tokens come: sized for maxNew up front, a 58-layer top-8 model's rows would take
    // 1.9 KB per budgeted token each, however short the completions turn out
    int[][] routes = recording ? new int[batch][Math.min(maxNew, 16) * perToken] : null;
    RoutingTrace[] promptRoutes = new RoutingTrace[batch];

    try (GradMode ignored = GradMode.disabled();
        NDManager generation = model.manager().newSubManager();
        KvCache cache =
            rowParams.get(0).useKvCache()
                ? new KvCache(generation, model.config().layers(), promptLength + maxNew)
                : null) {
      for (int step = 0; step < maxNew; step++) {
        int total = promptLength + step; // tokens known so far in every row
        float[] last;
        RoutingContext routing = RoutingContext.inference();
        if (recording) {
          routing.recordingRoutes(moeLayers);
        }
        int width;
        try (NDManager stepManager = generation.newSubManager()) {
          last = nextLogits(model, stepManager, sequences, padding, total, step, cache, routing);
          width = cache == null || step == 0 ? total : 1;
        }
        if (recording && step == 0) {
          for (int i = 0; i < batch; i++) {
            promptRoutes[i] = promptRouting(routing, config, i, padding[i], promptLength);
          }
        }
        int active = 0;
        for (int i = 0; i < batch; i++) {
          if (finished[i] != null) {
            continue;
          }
          SamplingParams params = rowParams.get(i);
          int token = TokenDraw.draw(last, i * vocab, vocab, params, rngs[i], logProb);
          tokens[i][lengths[i]] = token;
          logProbs[i][lengths[i]] = logProb[0];
          if (recording) {
            if (routes[i].length < (lengths[i] + 1) * perToken) {
              routes[i] = Arrays.copyOf(routes[i], Math.min(maxNew, 2 * lengths[i]) * perToken);
            }
            // the token was drawn from row i's last position: its routing is the token's
            int position = i * width + width - 1;
            for (int layer = 0; layer < moeLayers; layer++) {
              System.arraycopy(
                  routing.routes(layer),
                  position * config.topK(),
                  routes[i],
                  (lengths[i] * moeLayers + layer) * config.topK(),
                  config.topK());
            }
          }
          lengths[i]++;
          sequences[i][total] = token;
          boolean go = listener == null || listener.onToken(i, token, last, i * vocab, vocab);
          if (params.isStop(token) || !go) {
            finished[i] = FinishReason.STOP;
          } else if (lengths[i] >= rowBudget[i]) {
            finished[i] = FinishReason.LENGTH;
          } else {
            active++;
          }
        }
        if (active == 0) {
          break;
        }
      }
    }
    List<Completion> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      RoutingTrace trace =
          recording
              ? RoutingTrace.pack(
                  moeLayers,
                  config.topK(),
                  config.routedExperts(),
                  Arrays.copyOf(routes[i], lengths[i] * perToken))
              : null;
      out.add(
          new Completion(
              Arrays.copyOf(tokens[i], lengths[i]),
              Arrays.copyOf(logProbs[i], lengths[i]),
              finished[i] == null ? FinishReason.LENGTH : finished[i],
              promptRoutes[i],
              trace));
    }
    return out;
  }

  /**
   * The routing of row {@code row}'s prompt positions before its last, from the prefill over the
   * (B, promptLength) left-padded prompts.
   */
  private static RoutingTrace promptRouting(
      RoutingContext routing, ModelConfig config, int row, int padding, int promptLength) {
    int layers = config.moeLayers();
    int k = config.topK();
    int positions = promptLength - padding - 1;
    int[] ids = new int[positions * layers * k];
    for (int t = 0; t < positions; t++) {
      int position = row * promptLength + padding + t;
      for (int layer = 0; layer < layers; layer++) {
        System.arraycopy(routing.routes(layer), position * k, ids, (t * layers + layer) * k, k);
      }
    }
    return RoutingTrace.pack(layers, k, config.routedExperts(), ids);
  }

  /** Logits (B·V) of the next token of every row, given the first {@code total} tokens. */
  private static float[] nextLogits(
      PolicyModel model,
      NDManager manager,
      int[][] sequences,
      int[] padding,
      int total,
      int step,
      KvCache cache,
      RoutingContext routing) {
    int batch = sequences.length;
    boolean prefill = cache == null || step == 0;
    int from = prefill ? 0 : total - 1; // with the cache, only the newest token is fed
    int width = total - from;
    long[] input = new long[batch * width];
    int[][] positions = new int[batch][width];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < width; j++) {
        input[i * width + j] = sequences[i][from + j];
        positions[i][j] = Math.max(0, from + j - padding[i]);
      }
    }
    NDArray tokens = manager.create(input, new Shape(batch, width));
    NDArray mask = Masks.leftPadded(manager, padding, width, total);
    if (GradMode.isEnabled()) {
      // libtorch decides per thread whether to record; recording here would leak a graph per step
      throw new IllegalStateException("autograd recording is on while sampling");
    }
    NDArray logits = model.block().forward(tokens, positions, mask, cache, routing);
    return logits
        .get(new NDIndex(":, -1, :"))
        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .toFloatArray();
  }
}
