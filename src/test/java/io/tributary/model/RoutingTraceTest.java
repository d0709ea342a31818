package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.json.Json;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compact routing record: ceil(log2 E) bits per expert id, base64 in JSON. */
class RoutingTraceTest {

  @ParameterizedTest(name = "E={0}: {1} bits per id")
  @CsvSource({"2, 1", "8, 3", "9, 4", "64, 6", "128, 7", "256, 8", "257, 9", "1024, 10"})
  void eachIdTakesTheFewestBitsThatHoldEveryExpert(int experts, int bits) {
    assertThat(RoutingTrace.bitsPerExpert(experts)).isEqualTo(bits);
  }

  @ParameterizedTest(name = "{0} MoE layers, top-{1} of {2}: {3} bytes per token")
  @CsvSource({
    "3, 2, 8, 2.25", // the default small policy
    "1, 6, 64, 4.5", // per MoE layer of a 64-expert top-6 model (DeepSeek-V2-Lite: 26 layers)
    "26, 6, 64, 117",
    "1, 8, 256, 8", // per MoE layer of a 256-expert top-8 model (DeepSeek-V3: 58 layers)
    "58, 8, 256, 464"
  })
  void bytesPerTokenFollowFromLayersTopKAndExperts(
      int layers, int topK, int experts, double bytes) {
    assertThat(RoutingTrace.bytesPerToken(layers, topK, experts)).isEqualTo(bytes);
    int[] ids = randomIds(layers, topK, experts, 64, new Random(1));
    assertThat(RoutingTrace.pack(layers, topK, experts, ids).packed().length)
        .isEqualTo((int) Math.ceil(64 * bytes));
  }

  @ParameterizedTest(name = "E={0}")
  @CsvSource({"4", "8", "64", "256", "300"})
  void idsComeBackAsTheyWerePacked(int experts) {
    int[] ids = randomIds(3, 2, experts, 17, new Random(experts));
    RoutingTrace trace = RoutingTrace.pack(3, 2, experts, ids);
    assertThat(trace.tokens()).isEqualTo(17);
    assertThat(trace.unpack()).isEqualTo(ids);
  }

  @Test
  void itsJsonFormCarriesTheIdsAsBase64AndReadsBackEqual() throws Exception {
    RoutingTrace trace = RoutingTrace.pack(2, 2, 8, new int[] {0, 7, 3, 4, 5, 6, 1, 2});
    String json = Json.write(trace);
    assertThat(json)
        .isEqualTo(
            "{\"moeLayers\":2,\"topK\":2,\"experts\":8,\"tokens\":2,\"packed\":\""
                + java.util.Base64.getEncoder().encodeToString(trace.packed())
                + "\"}");
    assertThat(Json.mapper().readValue(json, RoutingTrace.class)).isEqualTo(trace);
  }

  @Test
  void decisionsDifferOnlyWhenTheExpertSetsDifferNotTheirOrder() {
    RoutingTrace a = RoutingTrace.pack(2, 2, 8, new int[] {1, 2, 3, 4, 5, 6, 7, 0});
    RoutingTrace swapped = RoutingTrace.pack(2, 2, 8, new int[] {2, 1, 4, 3, 5, 6, 7, 0});
    RoutingTrace oneMoved = RoutingTrace.pack(2, 2, 8, new int[] {1, 2, 3, 4, 5, 6, 7, 3});
    assertThat(a.decisions()).isEqualTo(4);
    assertThat(a.differingDecisions(swapped)).isZero();
    assertThat(a.differingDecisions(oneMoved)).isEqualTo(1);
  }

  @Test
  void anIdOutsideTheExpertsOrAWronglySizedPayloadIsRefused() {
    assertThatThrownBy(() -> RoutingTrace.pack(1, 2, 8, new int[] {1, 8}))
        .hasMessageContaining("expert id 8 at entry 1, expected 0..7");
    assertThatThrownBy(() -> new RoutingTrace(1, 2, 8, 3, new byte[2]))
        .hasMessageContaining("packed has 2 bytes, expected 3");
    // 5 experts take 3 bits, so a corrupted payload can name expert 7
    RoutingTrace corrupt = new RoutingTrace(1, 1, 5, 1, new byte[] {(byte) 0xE0});
    assertThatThrownBy(corrupt::unpack).hasMessageContaining("decodes to expert 7 of 5");
  }

  static int[] randomIds(int layers, int topK, int experts, int tokens, Random random) {
    int[] ids = new int[tokens * layers * topK];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(experts);
    }
    return ids;
  }
}
