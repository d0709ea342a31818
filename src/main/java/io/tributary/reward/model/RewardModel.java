package io.tributary.reward.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GradMode;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.RoutingContext;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An outcome reward model built from the policy's blocks: the {@link PolicyModel} decoder reads
 * {@code BOS prompt completion EOS} and the logit of one LM-head row ({@code scoreToken}) at the
 * last real token is the reward logit. That row is a linear scalar head on the final hidden state
 * (Ouyang et al. 2022, InstructGPT §3.5, put a scalar projection on the last token), kept inside
 * the LM head so the policy's checkpoint format, optimizer and device handling serve unchanged. The
 * score is its sigmoid, the model's probability that the completion is correct. Not thread safe,
 * like the policy.
 */
public final class RewardModel implements AutoCloseable {
  private final PolicyModel backbone;
  private final Tokenizer tokenizer;
  private final int scoreToken;
  private final int maxLength;

  public RewardModel(PolicyModel backbone, Tokenizer tokenizer, int scoreToken, int maxLength) {
    if (scoreToken < 0 || scoreToken >= backbone.config().vocabSize()) {
      throw ConfigException.badValue(
          "scoreToken", scoreToken, "a token id below vocabSize=" + backbone.config().vocabSize());
    }
    if (maxLength < 2 || maxLength > backbone.config().maxSeqLen()) {
      throw ConfigException.badValue(
          "maxLength", maxLength, "2 to the model's maxSeqLen=" + backbone.config().maxSeqLen());
    }
    this.backbone = backbone;
    this.tokenizer = tokenizer;
    this.scoreToken = scoreToken;
    this.maxLength = maxLength;
  }

  /** A fresh model scoring with the EOS row of the head, rows as long as the context allows. */
  public static RewardModel create(ModelConfig config, Tokenizer tokenizer, long seed) {
    return new RewardModel(
        PolicyModel.create(config, seed), tokenizer, tokenizer.eos(), config.maxSeqLen());
  }

  /** Loads a folder written by {@link #save}; {@code device} overrides the saved device. */
  public static RewardModel load(Path dir, DeviceChoice device) {
    RewardModelDescriptor descriptor = RewardModelDescriptor.read(dir);
    Path file = dir.resolve(descriptor.checkpoint());
    Checkpoint checkpoint = Checkpoint.read(file);
    ModelConfig config = checkpoint.header().modelConfig().toBuilder().device(device).build();
    Tokenizer tokenizer = Tokenizer.fromSpec(checkpoint.header().tokenizer());
    PolicyModel backbone = checkpoint.toModel(config);
    try {
      return new RewardModel(backbone, tokenizer, descriptor.scoreToken(), descriptor.maxLength());
    } catch (ConfigException e) {
      backbone.close();
      throw new ConfigException(
          dir.resolve(RewardModelDescriptor.FILE_NAME) + ": " + e.getMessage());
    }
  }

  /** Writes the checkpoint and {@code reward-model.json} into {@code dir}. */
  public void save(Path dir, Map<String, String> metadata) {
    String name = "model.ckpt";
    try {
      new RewardModelDescriptor(RewardModelDescriptor.FORMAT, name, scoreToken, maxLength)
          .write(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write descriptor: " + e.getMessage(), e);
    }
    Checkpoint.save(dir.resolve(name), backbone, tokenizer.spec(), 0, 0, metadata);
  }

  public PolicyModel backbone() {
    return backbone;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public int maxLength() {
    return maxLength;
  }

  public ScoringRows rows(List<String> prompts, List<String> completions) {
    return ScoringRows.of(tokenizer, prompts, completions, maxLength);
  }

  /** Reward logits (B) in {@code step}'s manager, differentiable when grad mode is on. */
  public NDArray logits(NDManager step, ScoringRows rows, RoutingContext routing) {
    NDArray logits = backbone.logits(step, rows.tokens(), routing); // (B, T, V)
    NDArray scoreRow = logits.get(new NDIndex(":, :, {}", scoreToken)); // (B, T)
    NDArray last =
        step.create(rows.lastTokenOneHot(), new Shape(rows.rows(), rows.width())); // (B, T)
    return scoreRow.mul(last).sum(new int[] {1}); // (B)
  }

  /** Probabilities in [0, 1] that each completion is correct, without autograd. */
  public float[] score(List<String> prompts, List<String> completions) {
    if (prompts.isEmpty()) {
      return new float[0];
    }
    ScoringRows rows = rows(prompts, completions);
    try (GradMode ignored = GradMode.disabled();
        NDManager step = backbone.manager().newSubManager()) {
      NDArray logits = logits(step, rows, RoutingContext.inference());
      return Activation.sigmoid(logits.toType(DataType.FLOAT32, false)).toFloatArray();
    }
  }

  @Override
  public void close() {
    backbone.close();
    tokenizer.close();
  }
}
