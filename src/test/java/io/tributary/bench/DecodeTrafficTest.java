package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.model.ModelConfig;
import io.tributary.model.Precision;
import org.junit.jupiter.api.Test;

class DecodeTrafficTest {
  // dense, 2 layers, width 8, 2 heads, FFN 16, vocabulary 10
  private static final ModelConfig DENSE =
      ModelConfig.builder()
          .vocabSize(10)
          .dim(8)
          .layers(2)
          .heads(2)
          .denseHidden(16)
          .denseLayers(2)
          .build();

  @Test
  void aDecodeStepReadsEveryLayerAndTheHeadButOnlyOneRowOfAnUntiedInputTable() {
    long attention = 4L * 8 * 8;
    long ffn = 3L * 8 * 16;
    long norms = 2L * 8;
    long head = 10L * 8;
    long finalNorm = 8;
    long parameters = 2 * (attention + ffn + norms) + head + finalNorm;

    assertThat(DecodeTraffic.weightBytesPerStep(DENSE)).isEqualTo(4 * parameters);
  }

  @Test
  void aTiedTableIsReadWholeOnceAsTheHead() {
    ModelConfig tied = DENSE.toBuilder().tieEmbeddings(true).build();

    // the same bytes as untied: the head's matrix is read, the input lookup reads one row
    assertThat(DecodeTraffic.weightBytesPerStep(tied))
        .isEqualTo(DecodeTraffic.weightBytesPerStep(DENSE));
  }

  @Test
  void weightsStoredInFloat16ReadHalfTheBytes() {
    ModelConfig half = DENSE.toBuilder().dtype(Precision.FLOAT16).build();

    assertThat(DecodeTraffic.weightBytesPerStep(half) * 2)
        .isEqualTo(DecodeTraffic.weightBytesPerStep(DENSE));
  }

  @Test
  void aMoeStepReadsOnlyTheChosenExperts() {
    ModelConfig moe =
        DENSE.toBuilder().denseLayers(1).routedExperts(8).topK(2).expertHidden(4).build();
    ModelConfig moreExperts = moe.toBuilder().routedExperts(16).build();

    // the router grows with E (one row per expert), the experts read per token do not
    long routerGrowth = 4L * 8 * 8;
    assertThat(DecodeTraffic.weightBytesPerStep(moreExperts))
        .isEqualTo(DecodeTraffic.weightBytesPerStep(moe) + routerGrowth);
  }

  @Test
  void efficiencyIsTrafficOverCeiling() {
    // 2 GB per step at 5 steps/s is 10 GB/s of a 20 GB/s ceiling
    assertThat(DecodeTraffic.efficiency(2_000_000_000L, 5, 20)).isEqualTo(0.5);
    assertThatThrownBy(() -> DecodeTraffic.efficiency(1, 0, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("steps/s 0.0");
  }
}
