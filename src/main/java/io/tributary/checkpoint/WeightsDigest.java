package io.tributary.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.model.GradMode;
import io.tributary.model.PolicyModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Predicate;

/**
 * SHA-256 over the names, shapes, dtypes and bytes of a policy's parameters, in parameter order:
 * the one weight hash behind an adapter's base fingerprint ({@link BaseFingerprint}) and a replay's
 * check of each version's weights. Each parameter's bytes are read once, straight from its buffer.
 */
public final class WeightsDigest {
  private WeightsDigest() {}

  /** The hash of the parameters {@code included} selects. */
  public static String sha256(PolicyModel model, Predicate<Parameter> included) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    try (GradMode ignored = GradMode.disabled()) {
      for (Pair<String, Parameter> p : model.parameters()) {
        if (!included.test(p.getValue())) {
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

  /** The hash of every parameter, adapters included. */
  public static String sha256(PolicyModel model) {
    return sha256(model, p -> true);
  }
}
