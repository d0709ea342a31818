package io.tributary.messages;

import java.util.HexFormat;
import java.util.Map;

/**
 * A new policy is in the policy store: rollout workers load {@code checkpointPath} before their
 * next batch, after checking its SHA-256 against {@code checksumSha256}.
 *
 * @param version updates published so far, strictly increasing; every rollout names the version
 *     that produced it
 * @param metrics training metrics of the update that produced this version (loss, KL, ...); a
 *     non-finite value travels as null
 */
public record PolicyVersionEvent(
    int schemaVersion,
    long version,
    String checkpointPath,
    String checksumSha256,
    long trainingStep,
    Map<String, Double> metrics,
    long timestampMillis)
    implements Message {
  public static final int SCHEMA_VERSION = 1;

  public PolicyVersionEvent {
    Require.schemaVersion("policy version", schemaVersion, SCHEMA_VERSION);
    Require.nonNegative("version", version);
    Require.text("checkpointPath", checkpointPath);
    Require.text("checksumSha256", checksumSha256);
    if (checksumSha256.length() != 64 || !isLowerHex(checksumSha256)) {
      throw new IllegalArgumentException(
          "field 'checksumSha256': got '"
              + checksumSha256
              + "', expected 64 lower-case hexadecimal digits");
    }
    Require.nonNegative("trainingStep", trainingStep);
    metrics = Require.copy("metrics", metrics);
    Require.nonNegative("timestampMillis", timestampMillis);
  }

  public PolicyVersionEvent(
      long version,
      String checkpointPath,
      String checksumSha256,
      long trainingStep,
      Map<String, Double> metrics,
      long timestampMillis) {
    this(
        SCHEMA_VERSION,
        version,
        checkpointPath,
        checksumSha256,
        trainingStep,
        metrics,
        timestampMillis);
  }

  /** Policy events are keyed by version, so a compacted topic keeps one event per version. */
  @Override
  public String key() {
    return Long.toString(version);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!HexFormat.isHexDigit(c) || Character.isUpperCase(c)) {
        return false;
      }
    }
    return true;
  }
}
