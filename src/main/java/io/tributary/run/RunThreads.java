package io.tributary.run;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.grpo.Evaluator;
import io.tributary.hf.LoraPolicies;
import io.tributary.learner.LearnerService;
import io.tributary.learner.UpdateReport;
import io.tributary.model.IntraOpThreads;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import io.tributary.tasks.TaskPrompt;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The threads of a run and what they share: the learner thread (polls and trains; reports each
 * update here), the feeder thread, one evaluation thread (held-out accuracy of a copy of the policy
 * loaded from its checkpoint, so training never waits for it), and the calling thread, which
 * watches the budget, the rollout job and the other threads and prints the progress line.
 */
final class RunThreads {
  private final RunConfig config;
  private final RunLog log;
  private final PolicyStore store;
  private final Evaluator evaluator;
  private final List<TaskPrompt> heldout;
  private final ModelConfig modelConfig;
  private final ExecutorService evaluations =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "run-evaluator"));
  private final double elapsedBefore;
  private final long startNanos = System.nanoTime();
  private final AtomicLong consumed = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stop;
  private volatile long version;
  private volatile long trainedAtStart;
  private volatile Map<String, Object> lastUpdate = Map.of();
  private volatile String lastEval = "-";
  private volatile long lastEvalVersion = -1;
  private volatile PromptFeeder feeder;
  private long lastTrained;
  private double lastUpdateSeconds;

  RunThreads(
      RunConfig config,
      RunLog log,
      PolicyStore store,
      Evaluator evaluator,
      List<TaskPrompt> heldout,
      ModelConfig modelConfig) {
    this.config = config;
    this.log = log;
    this.store = store;
    this.evaluator = evaluator;
    this.heldout = heldout;
    this.modelConfig = modelConfig;
    this.elapsedBefore = log.elapsedBefore();
    this.lastUpdateSeconds = elapsedBefore;
    for (Map<String, Object> e : log.read(RunLog.EVAL)) {
      lastEvalVersion = ((Number) e.get("version")).longValue();
      lastEval = String.format("%.1f%%", 100 * ((Number) e.get("pass_at_1")).doubleValue());
    }
  }

  /** After the learner has loaded its newest checkpoint (before its thread starts). */
  void started(LearnerService learner) {
    version = learner.version();
    trainedAtStart = learner.counter("trained_rollouts");
    lastTrained = trainedAtStart;
    consumed.set(consumedGroups(learner));
  }

  long consumedGroups() {
    return consumed.get();
  }

  private long consumedGroups(LearnerService learner) {
    long rollouts = learner.counter("trained_rollouts") + learner.counter("stale_dropped");
    return rollouts / config.grpo().groupSize();
  }

  long version() {
    return version;
  }

  double elapsed() {
    return elapsedBefore + (System.nanoTime() - startNanos) / 1e9;
  }

  /** Called by the learner thread after each update's checkpoint was written. */
  void onUpdate(UpdateReport report) {
    double now = elapsed();
    long trained = report.counters().trainedRollouts();
    PromptFeeder f = feeder;
    MetricsLine line =
        new MetricsLine(
            report,
            now,
            (trained - lastTrained) / Math.max(1e-9, now - lastUpdateSeconds),
            f == null ? 0 : f.fed(),
            // the job's letters and the learner's: a group a reward function failed on, never
            // trained
            f == null ? OptionalLong.empty() : OptionalLong.of(f.unscoredGroups()));
    lastTrained = trained;
    lastUpdateSeconds = now;
    lastUpdate = log.update(line);
    version = report.version();
    if (version % config.evalEveryVersions() == 0) {
      // read now: the store prunes old versions while the evaluator may still be busy
      evaluateLater(version, Checkpoint.read(store.pathOf(version)));
    }
  }

  void evaluateLater(long at, Checkpoint checkpoint) {
    evaluations.submit(
        () -> {
          IntraOpThreads.setForThisThread(1); // sampling: see RolloutsConfig.samplingThreads
          // a LoRA version is its adapters over the base it names (an imported model's directory)
          try (PolicyModel copy = LoraPolicies.load(checkpoint, null, modelConfig.device())) {
            record(at, copy);
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        });
  }

  private void record(long at, PolicyModel policy) {
    Evaluator.Result r =
        evaluator.evaluate(
            policy, heldout, config.passK(), config.grpo().temperature(), config.seed());
    log.evaluation(at, elapsed(), r);
    lastEvalVersion = at;
    lastEval = String.format("%.1f%%", 100 * r.passAt1());
  }

  /** Runs the learner and feeder threads until the budget is spent or something fails. */
  void loop(
      LearnerService learner, PromptFeeder promptFeeder, BooleanSupplier jobFailed, PrintStream out)
      throws Exception {
    this.feeder = promptFeeder;
    Thread learnerThread =
        thread(
            "run-learner",
            () -> {
              // a fixed count, not whatever this thread inherits: replay retrains bit for bit only
              // with the thread count it records
              IntraOpThreads.setForThisThread(config.learner().threads());
              // the budget is checked before the first poll too: a resumed run that had reached
              // its last version must not train one more
              while (!stop && !config.budget().spent(elapsed(), learner.version())) {
                learner.pollOnce();
                consumed.set(consumedGroups(learner));
              }
              stop = true;
            });
    Thread feederThread = thread("run-feeder", () -> promptFeeder.run(() -> stop));
    long nextProgress = System.nanoTime();
    while (!stop) {
      Thread.sleep(250);
      if (failure.get() != null) {
        stop = true;
      } else if (config.budget().spent(elapsed(), version)) {
        stop = true;
      } else if (jobFailed.getAsBoolean()) {
        failure.compareAndSet(null, new IllegalStateException("the rollout job failed"));
        stop = true;
      }
      if (System.nanoTime() >= nextProgress) {
        out.println(progress());
        nextProgress = System.nanoTime() + config.progressEverySeconds() * 1_000_000_000L;
      }
    }
    learnerThread.join();
    feederThread.join();
    out.println(progress());
    if (failure.get() != null) {
      evaluations.shutdownNow();
      throw new IllegalStateException("run failed: " + failure.get(), failure.get());
    }
  }

  /** Evaluates the final version if it was not, and waits for the evaluations. */
  void finish(long finalVersion, PolicyModel policy, PrintStream out) throws InterruptedException {
    evaluations.shutdown();
    evaluations.awaitTermination(1, TimeUnit.HOURS);
    if (lastEvalVersion != finalVersion) {
      out.println("evaluating the final policy version " + finalVersion + " on held-out prompts");
      record(finalVersion, policy); // the learner has stopped: the policy itself is free
    }
    out.println(progress());
  }

  String progress() {
    Map<String, Object> u = lastUpdate;
    PromptFeeder f = feeder;
    double trainedHere =
        u.get("trained_rollouts") instanceof Number n ? n.doubleValue() - trainedAtStart : 0;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(
        "[%5.0f s] version %d | reward %s | held-out pass@1 %s (v%d) | staleness %s (max %s)"
            + " | mismatch k3 s0 %s s1 %s s2 %s"
            + " | %.2f rollouts/s | prompts fed %d, in flight %d, unscored %d",
        elapsed(),
        version,
        format(u.get("reward_mean")),
        lastEval,
        lastEvalVersion,
        format(u.get("staleness_mean")),
        u.getOrDefault("max_age", "-"),
        formatSmall(u.get("mismatch/s0/k3_kl")), // KL(behaviour || learner), docs/grpo-losses.md
        formatSmall(u.get("mismatch/s1/k3_kl")),
        formatSmall(u.get("mismatch/s2/k3_kl")),
        trainedHere / Math.max(1e-9, seconds),
        f == null ? 0 : f.fed(),
        f == null ? 0 : f.inFlight(),
        f == null ? 0 : f.unscoredGroups());
  }

  private static String format(Object value) {
    return value instanceof Number n ? String.format("%.3f", n.doubleValue()) : "-";
  }

  /** A value near the numerical floor (a KL of 1e-7) keeps its digits; absent prints "-". */
  private static String formatSmall(Object value) {
    return value instanceof Number n ? String.format("%.1e", n.doubleValue()) : "-";
  }

  private Thread thread(String name, ThrowingRunnable body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
                stop = true;
              }
            },
            name);
    t.start();
    return t;
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
