package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardScorer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The learner is a function of its inputs: two trainers that start from the same weights and get
 * the same groups in the same order, with the same seed and thread count, end with bit-identical
 * weights, so that a run can be replayed from its log of groups. On the default small policy, with
 * μ = 2 passes of 2 shuffled mini-batches, the balance loss and bias balancing on.
 */
class LearnerDeterminismTest {
  static final int UPDATES = 3;

  @ParameterizedTest(name = "routingReplay={0}")
  @EnumSource(RoutingReplay.class)
  void theSameGroupsInTheSameOrderGiveBitIdenticalWeights(RoutingReplay replay) throws Exception {
    ModelConfig small =
        ModelConfig.load(Path.of("configs/model/small.yaml")).toBuilder()
            .device(DeviceChoice.CPU)
            .build();
    GrpoConfig config = GrpoTrainerTest.config(0, 2, 2).withRoutingReplay(replay);
    try (PolicyModel first = PolicyModel.create(small, 5);
        PolicyModel second = PolicyModel.create(small, 6);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      second.copyWeightsFrom(first); // the same checkpoint
      String start = sha256(first);
      assertThat(sha256(second)).isEqualTo(start);
      List<List<RolloutGroup>> batches = new ArrayList<>();
      GroupSampler sampler =
          new GroupSampler(
              GrpoTrainerTest.TOKENIZER, scorer, GrpoTrainerTest.sampling(), 4, 7, true);
      for (int round = 0; round < UPDATES; round++) {
        batches.add(sampler.sample(first, GrpoTrainerTest.prompts(), 0, round));
      }

      String[] afterFirst = train(first, config, batches);
      String[] afterSecond = train(second, config, batches);

      assertThat(afterFirst[0]).as("the first update changes the weights").isNotEqualTo(start);
      assertThat(afterSecond).containsExactly(afterFirst);
    }
  }

  /** SHA-256 of the weights after each update. */
  static String[] train(PolicyModel policy, GrpoConfig config, List<List<RolloutGroup>> batches)
      throws Exception {
    GrpoTrainer trainer =
        new GrpoTrainer(
            policy, null, config, GrpoTrainerTest.sampling(), GrpoTrainerTest.TOKENIZER.pad());
    String[] digests = new String[batches.size()];
    for (int i = 0; i < batches.size(); i++) {
      trainer.update(batches.get(i));
      digests[i] = sha256(policy);
    }
    return digests;
  }

  /** SHA-256 over every parameter's name and float32 bits, trainable or not, in model order. */
  static String sha256(PolicyModel policy) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (Pair<String, Parameter> p : policy.parameters()) {
      digest.update(p.getKey().getBytes(StandardCharsets.UTF_8));
      float[] values = p.getValue().getArray().toFloatArray();
      ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      digest.update(bytes.array());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
