package io.tributary.serve;

import io.tributary.model.Completion;
import io.tributary.model.SamplingParams;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request's rows in the batcher, and what they have produced so far: choice {@code p * n + c}
 * is choice {@code c} of prompt {@code p}. Tokens arrive on the sampler thread; a streaming
 * response reads {@link #events()} on its HTTP thread, a plain one waits for {@link #done()}.
 */
final class ResponseJob implements Batcher.Job {
  private static final SecureRandom SEEDS = new SecureRandom();

  /** Text (and its tokens' log-probs) released for choice {@code index}; the last has a reason. */
  record Event(int index, String text, List<TokenLogprobs> logprobs, String finishReason) {}

  /** Ends the event stream; {@code error} is null when the request completed. */
  record End(RuntimeException error) {}

  private final GenerationRequest request;
  private final ServedModel model;
  private final List<int[]> prompts = new ArrayList<>();
  private final long[] seeds;
  private final ChoiceText[] choices;
  private final List<List<TokenLogprobs>> logprobs = new ArrayList<>();
  private final int[] logprobsReleased;
  private final boolean[] finishSent;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean cancelled;

  ResponseJob(GenerationRequest request, ServedModel model) {
    this.request = request;
    this.model = model;
    int rows = request.rows();
    this.seeds = new long[rows];
    this.choices = new ChoiceText[rows];
    this.logprobsReleased = new int[rows];
    this.finishSent = new boolean[rows];
    for (int p = 0; p < request.prompts().size(); p++) {
      for (int c = 0; c < request.n(); c++) {
        int row = p * request.n() + c;
        prompts.add(request.prompts().get(p));
        seeds[row] = request.seed() != null ? request.seed() + c : SEEDS.nextLong();
        choices[row] =
            new ChoiceText(
                model.tokenizer(),
                request.stops(),
                request.params().stopTokens(),
                request.params().maxNewTokens());
        logprobs.add(new ArrayList<>());
      }
    }
  }

  @Override
  public List<int[]> prompts() {
    return prompts;
  }

  @Override
  public List<SamplingParams> params() {
    return Collections.nCopies(prompts.size(), request.params());
  }

  @Override
  public long[] seeds() {
    return seeds;
  }

  @Override
  public boolean onToken(int row, int token, float[] logits, int offset, int vocab) {
    ChoiceText choice = choices[row];
    boolean stopToken = isStopToken(token);
    boolean go = choice.add(token);
    if (request.topLogprobs() != null && !stopToken) {
      SamplingParams p = request.params();
      logprobs
          .get(row)
          .add(
              TokenLogprobs.of(
                  logits,
                  offset,
                  vocab,
                  p.vocabLimit(),
                  p.blockedTokens(),
                  token,
                  request.topLogprobs()));
    }
    if (request.stream()) {
      publish(row);
    }
    return go && !cancelled;
  }

  private boolean isStopToken(int token) {
    for (int s : request.params().stopTokens()) {
      if (s == token) {
        return true;
      }
    }
    return false;
  }

  private void publish(int row) {
    ChoiceText choice = choices[row];
    if (finishSent[row]) {
      return;
    }
    String text = choice.release();
    List<TokenLogprobs> all = logprobs.get(row);
    List<TokenLogprobs> fresh = List.of();
    if (!text.isEmpty() || choice.finished()) {
      fresh = List.copyOf(all.subList(logprobsReleased[row], all.size()));
      logprobsReleased[row] = all.size();
    }
    if (text.isEmpty() && !choice.finished()) {
      return;
    }
    finishSent[row] = choice.finished();
    events.add(new Event(row, text, fresh, choice.finishReason()));
  }

  @Override
  public void onDone(List<Completion> completions) {
    for (int row = 0; row < choices.length; row++) {
      choices[row].finishIfOpen();
      if (request.stream()) {
        publish(row);
      }
    }
    events.add(new End(null));
    done.complete(null);
  }

  @Override
  public void onError(RuntimeException e) {
    events.add(new End(e));
    done.completeExceptionally(e);
  }

  /** The client went away: its rows end at their next token. */
  void cancel() {
    cancelled = true;
  }

  BlockingQueue<Object> events() {
    return events;
  }

  CompletableFuture<Void> done() {
    return done;
  }

  GenerationRequest request() {
    return request;
  }

  ChoiceText choice(int index) {
    return choices[index];
  }

  List<TokenLogprobs> logprobs(int index) {
    return logprobs.get(index);
  }

  int choiceCount() {
    return choices.length;
  }

  int promptTokens() {
    return request.prompts().stream().mapToInt(p -> p.length).sum();
  }

  int completionTokens() {
    int total = 0;
    for (ChoiceText c : choices) {
      total += c.generatedTokens();
    }
    return total;
  }

  ServedModel model() {
    return model;
  }
}
