package io.tributary.checkpoint;

import io.tributary.model.LoraConfig;

/**
 * What an adapter-only checkpoint says about the base it applies to: the adapters' config, where
 * the base is (a Hugging Face directory or a full checkpoint), and a SHA-256 of the base's weights,
 * so that adapters are never applied over another model than the one they were trained on.
 *
 * @param lora the adapters' rank, alpha, dropout and targets
 * @param base the base model's location as the run named it (a directory or a checkpoint file),
 *     null where the writer did not know it: the loader then brings the base itself
 * @param baseSha256 {@link BaseFingerprint} of the base's frozen parameters
 */
public record AdapterManifest(LoraConfig lora, String base, String baseSha256) {
  public AdapterManifest {
    if (lora == null) {
      throw new IllegalArgumentException("adapters.lora: missing");
    }
    if (baseSha256 == null || baseSha256.length() != 64) {
      throw new IllegalArgumentException("adapters.baseSha256: expected 64 hex digits");
    }
  }
}
