package io.tributary.model;

import java.util.Arrays;

/**
 * The routed experts of a run of tokens: for each token, each MoE layer and each of the K choices,
 * one expert id. Entry t of a completion's trace is the routing of the input position whose output
 * the completion's token t was drawn from (the last prompt token for t = 0, completion token t − 1
 * after it), so a trace has one entry per completion token, like its log-probs.
 *
 * <p>Ids are packed token-major (token, layer, choice) at ceil(log2 E) bits each, most significant
 * bit first: the fewest bits that hold any id, without the cost of an entropy coder on the wire.
 * Jackson writes {@code packed} as base64, so the record is its own compact JSON form.
 *
 * @param moeLayers MoE layers L of the model that routed
 * @param topK experts K per token and layer
 * @param experts routed experts E per layer, which sets the bits per id
 * @param tokens tokens T covered
 * @param packed T·L·K ids of {@link #bitsPerExpert} bits each
 */
public record RoutingTrace(int moeLayers, int topK, int experts, int tokens, byte[] packed) {

  public RoutingTrace {
    if (moeLayers < 1 || topK < 1 || experts < topK || tokens < 0) {
      throw new IllegalArgumentException(
          "routing trace: moeLayers="
              + moeLayers
              + ", topK="
              + topK
              + ", experts="
              + experts
              + ", tokens="
              + tokens
              + "; expected moeLayers >= 1, 1 <= topK <= experts, tokens >= 0");
    }
    long bytes = packedBytes(moeLayers, topK, experts, tokens);
    if (packed == null || packed.length != bytes) {
      throw new IllegalArgumentException(
          "routing trace: packed has "
              + (packed == null ? "no" : packed.length)
              + " bytes, expected "
              + bytes
              + " for "
              + tokens
              + " tokens x "
              + moeLayers
              + " layers x "
              + topK
              + " experts of "
              + bitsPerExpert(experts)
              + " bits");
    }
  }

  /** Packs token-major ids ((token · L + layer) · K + choice) into a trace. */
  public static RoutingTrace pack(int moeLayers, int topK, int experts, int[] ids) {
    int perToken = moeLayers * topK;
    if (perToken <= 0 || ids.length % perToken != 0) {
      throw new IllegalArgumentException(
          "routing trace: " + ids.length + " ids is not a multiple of layers x topK = " + perToken);
    }
    int bits = bitsPerExpert(experts);
    int tokens = ids.length / perToken;
    byte[] packed = new byte[(int) packedBytes(moeLayers, topK, experts, tokens)];
    long bit = 0;
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= experts) {
        throw new IllegalArgumentException(
            "routing trace: expert id " + id + " at entry " + i + ", expected 0.." + (experts - 1));
      }
      for (int b = bits - 1; b >= 0; b--, bit++) {
        if (((id >>> b) & 1) != 0) {
          packed[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
        }
      }
    }
    return new RoutingTrace(moeLayers, topK, experts, tokens, packed);
  }

  /** All ids, token-major ((token · L + layer) · K + choice). */
  public int[] unpack() {
    int bits = bitsPerExpert(experts);
    int[] ids = new int[tokens * moeLayers * topK];
    long bit = 0;
    for (int i = 0; i < ids.length; i++) {
      int id = 0;
      for (int b = 0; b < bits; b++, bit++) {
        id = (id << 1) | ((packed[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1);
      }
      if (id >= experts) {
        throw new IllegalArgumentException(
            "routing trace: entry " + i + " decodes to expert " + id + " of " + experts);
      }
      ids[i] = id;
    }
    return ids;
  }

  /** Bits of one expert id: ceil(log2 E), at least 1. */
  public static int bitsPerExpert(int experts) {
    return Math.max(1, 32 - Integer.numberOfLeadingZeros(experts - 1));
  }

  /** Packed size of one token's routing over all MoE layers, in bytes (may be fractional). */
  public static double bytesPerToken(int moeLayers, int topK, int experts) {
    return moeLayers * topK * bitsPerExpert(experts) / 8.0;
  }

  private static long packedBytes(int moeLayers, int topK, int experts, int tokens) {
    long bits = (long) tokens * moeLayers * topK * bitsPerExpert(experts);
    return (bits + 7) / 8;
  }

  /**
   * (token, layer) decisions whose expert sets differ between this trace and {@code other}; the
   * order of the K choices does not matter, as the gates weigh experts, not ranks.
   */
  public long differingDecisions(RoutingTrace other) {
    if (other.moeLayers != moeLayers
        || other.topK != topK
        || other.experts != experts
        || other.tokens != tokens) {
      throw new IllegalArgumentException(
          "routing traces cover different shapes: " + describe() + " against " + other.describe());
    }
    int[] mine = unpack();
    int[] theirs = other.unpack();
    long differing = 0;
    for (int d = 0; d < tokens * moeLayers; d++) {
      int[] a = Arrays.copyOfRange(mine, d * topK, (d + 1) * topK);
      int[] b = Arrays.copyOfRange(theirs, d * topK, (d + 1) * topK);
      Arrays.sort(a);
      Arrays.sort(b);
      differing += Arrays.equals(a, b) ? 0 : 1;
    }
    return differing;
  }

  /** (token, layer) routing decisions in this trace. */
  public long decisions() {
    return (long) tokens * moeLayers;
  }

  private String describe() {
    return tokens + " tokens x " + moeLayers + " layers x top-" + topK + " of " + experts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoutingTrace t
        && t.moeLayers == moeLayers
        && t.topK == topK
        && t.experts == experts
        && t.tokens == tokens
        && Arrays.equals(t.packed, packed);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(packed) + tokens;
  }

  @Override
  public String toString() {
    return "RoutingTrace[" + describe() + "]";
  }
}
