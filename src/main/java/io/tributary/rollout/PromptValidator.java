package io.tributary.rollout;

import io.tributary.messages.MessageCodec;
import io.tributary.messages.MessageFormatException;
import io.tributary.messages.PromptMessage;
import io.tributary.tokenizer.Tokenizer;

/**
 * Turns raw input records into prompts the policy can continue, or into dead letters with the
 * reason: not JSON, a missing field, a field of the wrong type (the codec's messages name the
 * field), or a prompt too long for the policy's context. Nothing is dropped silently and nothing
 * here throws, so one bad record never stops the job.
 */
public final class PromptValidator {
  /** Larger values are refused before parsing, so a hostile record costs no JSON tree. */
  public static final int MAX_PAYLOAD_CHARS = 1 << 20;

  private final Tokenizer tokenizer;
  private final int maxSeqLen;

  /**
   * @param maxSeqLen the policy's context: a prompt of {@code maxSeqLen - 1} tokens or more, BOS
   *     included, leaves no room for a single generated token and is refused
   */
  public PromptValidator(Tokenizer tokenizer, int maxSeqLen) {
    this.tokenizer = tokenizer;
    this.maxSeqLen = maxSeqLen;
  }

  public Validation validate(RawInput input, long nowMillis) {
    String payload = input.payload();
    if (payload == null) {
      return reject(input, "", "prompt: no value (a tombstone record), expected JSON", nowMillis);
    }
    if (payload.length() > MAX_PAYLOAD_CHARS) {
      return reject(
          input,
          payload.substring(0, 1024) + "...",
          "prompt: "
              + payload.length()
              + " characters, expected at most "
              + MAX_PAYLOAD_CHARS
              + " (payload kept to its first 1024)",
          nowMillis);
    }
    PromptMessage prompt;
    try {
      prompt = MessageCodec.decode(payload, PromptMessage.class);
    } catch (MessageFormatException e) {
      return reject(input, payload, e.getMessage(), nowMillis);
    }
    int[] tokens = tokenizer.encodePrompt(prompt.prompt());
    int length = tokens.length; // BOS first
    if (length >= maxSeqLen) {
      return reject(
          input,
          payload,
          "prompt: oversized: "
              + length
              + " tokens with BOS, expected at most "
              + (maxSeqLen - 1)
              + " so that the policy's context (maxSeqLen="
              + maxSeqLen
              + ") leaves room to generate",
          nowMillis);
    }
    String groupId = input.origin().groupId(prompt.promptId());
    return new Validation.Accepted(new ValidPrompt(input.origin(), prompt, tokens, groupId));
  }

  private static Validation reject(RawInput input, String payload, String reason, long now) {
    return new Validation.Rejected(input.origin().deadLetter(payload, reason, now));
  }
}
