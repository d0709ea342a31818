package io.tributary.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.GradMode;
import io.tributary.model.LoraAdapters;
import io.tributary.model.PolicyModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over the names, shapes, dtypes and bytes of a policy's base parameters (every parameter
 * that is not an adapter), in parameter order. Hashing the weights, not only the config and names,
 * is what catches adapters loaded over a base of the same shape but other values, say another
 * fine-tune of the same family.
 */
public final class BaseFingerprint {
  private BaseFingerprint() {}

  public static String of(PolicyModel model) {
    LoraAdapters adapters = model.adapters();
    return adapters == null ? compute(model) : adapters.baseFingerprint(() -> compute(model));
  }

  private static String compute(PolicyModel model) {
    LoraAdapters adapters = model.adapters();
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.parameters()) {
        if (adapters != null && adapters.isAdapterParameter(p.getValue())) {
          continue;
        }
        NDArray array = p.getValue().getArray();
        digest.update(
            (p.getKey() + array.getShape() + array.getDataType() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        digest.update(bytes);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
