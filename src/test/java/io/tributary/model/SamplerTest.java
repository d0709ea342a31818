package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static final List<int[]> PROMPTS =
      List.of(new int[] {1, 5, 9, 12}, new int[] {1, 30}, new int[] {1, 4, 4, 8, 9, 10, 11});
  private static final long[] SEEDS = {11, 12, 13};

  private static SamplingParams params(double temperature) {
    return new SamplingParams(temperature, 1.0, 0, 12, new int[] {2}, 0, new int[] {0, 1}, true);
  }

  @Test
  void aFixedSeedReproducesTheSameCompletions() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 7)) {
      List<Completion> a = Sampler.generate(model, PROMPTS, params(1.0), SEEDS);
      List<Completion> b = Sampler.generate(model, PROMPTS, params(1.0), SEEDS);
      List<Completion> other = Sampler.generate(model, PROMPTS, params(1.0), new long[] {1, 2, 3});
      for (int i = 0; i < PROMPTS.size(); i++) {
        assertThat(a.get(i).tokens()).containsExactly(b.get(i).tokens());
        assertThat(a.get(i).logProbs()).containsExactly(b.get(i).logProbs());
      }
      assertThat(other.stream().map(c -> List.of(c.tokens())).toList())
          .isNotEqualTo(a.stream().map(c -> List.of(c.tokens())).toList());
    }
  }

  @Test
  void temperatureNearZeroEqualsGreedy() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 8)) {
      List<Completion> greedy = Sampler.generate(model, PROMPTS, params(0), SEEDS);
      List<Completion> cold = Sampler.generate(model, PROMPTS, params(1e-4), new long[] {4, 5, 6});
      for (int i = 0; i < PROMPTS.size(); i++) {
        assertThat(cold.get(i).tokens()).containsExactly(greedy.get(i).tokens());
      }
    }
  }

  @Test
  void aRowsCompletionDoesNotDependOnItsBatchMatesOrOnTheCache() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 9)) {
      List<Completion> batched = Sampler.generate(model, PROMPTS, params(1.0), SEEDS);
      List<Completion> uncached =
          Sampler.generate(model, PROMPTS, params(1.0).withKvCache(false), SEEDS);
      for (int i = 0; i < PROMPTS.size(); i++) {
        List<Completion> alone =
            Sampler.generate(model, List.of(PROMPTS.get(i)), params(1.0), new long[] {SEEDS[i]});
        assertThat(alone.get(0).tokens()).containsExactly(batched.get(i).tokens());
        assertThat(uncached.get(i).tokens()).containsExactly(batched.get(i).tokens());
      }
    }
  }

  @Test
  void behaviourLogProbsAreTheFullForwardLogSoftmaxOfTheSampledTokens() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 10);
        NDManager m = model.manager().newSubManager()) {
      List<Completion> completions = Sampler.generate(model, PROMPTS, params(1.0), SEEDS);
      for (int i = 0; i < PROMPTS.size(); i++) {
        int[] prompt = PROMPTS.get(i);
        Completion c = completions.get(i);
        int[] full = new int[prompt.length + c.length()];
        System.arraycopy(prompt, 0, full, 0, prompt.length);
        System.arraycopy(c.tokens(), 0, full, prompt.length, c.length());
        // PAD (0) and BOS (1) are blocked: renormalise over the allowed tokens
        float[] logits =
            model.logits(m, new int[][] {full}, RoutingContext.inference()).toFloatArray();
        for (int j = 0; j < c.length(); j++) {
          int at = (prompt.length - 1 + j) * 40;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 2; k < 40; k++) {
            max = Math.max(max, logits[at + k]);
          }
          double sum = 0;
          for (int k = 2; k < 40; k++) {
            sum += Math.exp(logits[at + k] - max);
          }
          double expected = logits[at + c.tokens()[j]] - max - Math.log(sum);
          assertThat((double) c.logProbs()[j])
              .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  @Test
  void noAutogradGraphIsRecordedWhenSamplingOnAnotherThread() throws Exception {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 11)) {
      // the sampler checks libtorch's per-thread recording flag before every forward and throws
      // if it is on; a fresh thread starts with it on (docs/engineering-notes.md, "Grad mode is per
      // thread")
      boolean[] observed =
          CompletableFuture.supplyAsync(
                  () -> {
                    boolean freshThreadRecords = GradMode.isEnabled();
                    List<Completion> out = Sampler.generate(model, PROMPTS, params(1.0), SEEDS);
                    return new boolean[] {
                      freshThreadRecords, out.size() == 3, GradMode.isEnabled()
                    };
                  },
                  java.util.concurrent.Executors.newSingleThreadExecutor())
              .get();
      assertThat(observed[0]).as("a fresh thread records graphs by default").isTrue();
      assertThat(observed[1]).as("sampling on that thread recorded none").isTrue();
      assertThat(observed[2]).as("the thread's grad mode is restored").isTrue();
    }
  }

  @Test
  void completionsEndAtAStopTokenOrAtTheBudget() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 12)) {
      for (Completion c : Sampler.generate(model, PROMPTS, params(1.0), SEEDS)) {
        if (c.finishReason() == FinishReason.STOP) {
          assertThat(c.tokens()[c.length() - 1]).isEqualTo(2);
        } else {
          assertThat(c.length()).isEqualTo(12);
        }
        assertThat(c.tokens()).doesNotContain(0, 1);
      }
    }
  }

  @Test
  void rowsWithTheirOwnParametersMatchTheSameRowsSampledAlone() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 10)) {
      SamplingParams noStop =
          new SamplingParams(1.0, 1.0, 0, 12, new int[0], 0, new int[] {0, 1}, true);
      List<SamplingParams> rows =
          List.of(noStop.withMaxNewTokens(3), noStop.withTemperature(0), noStop.withTopK(2));

      List<Completion> batched = Sampler.generate(model, PROMPTS, rows, SEEDS, null);

      assertThat(batched.get(0).tokens()).hasSize(3);
      assertThat(batched.get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
      for (int i = 0; i < PROMPTS.size(); i++) {
        List<Completion> alone =
            Sampler.generate(model, List.of(PROMPTS.get(i)), rows.get(i), new long[] {SEEDS[i]});
        assertThat(batched.get(i).tokens()).containsExactly(alone.get(0).tokens());
      }
    }
  }

  @Test
  void aListenerSeesEveryTokenAndCanEndItsRow() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 11)) {
      SamplingParams noStop =
          new SamplingParams(1.0, 1.0, 0, 12, new int[0], 0, new int[] {0, 1}, true);
      List<List<Integer>> seen = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>());

      List<Completion> out =
          Sampler.generate(
              model,
              PROMPTS.subList(0, 2),
              List.of(noStop, noStop),
              new long[] {1, 2},
              (row, token, logits, offset, vocab) -> {
                seen.get(row).add(token);
                assertThat(vocab).isEqualTo(model.config().vocabSize());
                return !(row == 1 && seen.get(1).size() == 4);
              });

      assertThat(out.get(1).tokens()).hasSize(4);
      assertThat(out.get(1).finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(out.get(0).tokens()).hasSize(12);
      for (int row = 0; row < 2; row++) {
        assertThat(seen.get(row)).containsExactly(boxed(out.get(row).tokens()));
      }
    }
  }

  @Test
  void aShortPromptBesideALongOneKeepsItsWholeBudget() {
    try (PolicyModel model = PolicyModel.create(TinyModels.tiny(), 12)) {
      int maxSeqLen = model.config().maxSeqLen();
      int[] longPrompt = new int[maxSeqLen - 4];
      java.util.Arrays.fill(longPrompt, 5);
      longPrompt[0] = 1;
      int[] shortPrompt = {1, 7, 9};
      SamplingParams noStop =
          new SamplingParams(1.0, 1.0, 0, 4, new int[0], 0, new int[] {0, 1}, true);
      SamplingParams longBudget = noStop.withMaxNewTokens(maxSeqLen - shortPrompt.length);

      List<Completion> out =
          Sampler.generate(
              model,
              List.of(longPrompt, shortPrompt),
              List.of(noStop, longBudget),
              new long[] {1, 2},
              null);
      Completion alone =
          Sampler.generate(model, List.of(shortPrompt), longBudget, new long[] {2}).get(0);

      assertThat(out.get(0).tokens()).hasSize(4);
      assertThat(out.get(1).tokens()).hasSize(maxSeqLen - shortPrompt.length);
      assertThat(out.get(1).finishReason()).isEqualTo(FinishReason.LENGTH);
      assertThat(out.get(1).tokens()).containsExactly(alone.tokens());
    }
  }

  private static Integer[] boxed(int[] tokens) {
    return java.util.Arrays.stream(tokens).boxed().toArray(Integer[]::new);
  }
}
