package io.tributary.checkpoint;

import io.tributary.model.LoraAdapters;
import io.tributary.model.PolicyModel;

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
    return WeightsDigest.sha256(model, p -> adapters == null || !adapters.isAdapterParameter(p));
  }
}
