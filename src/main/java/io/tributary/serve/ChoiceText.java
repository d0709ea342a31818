package io.tributary.serve;

import io.tributary.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of one choice as its tokens arrive: decoded from all tokens so far (so multi-byte
 * characters split across tokens come out whole), cut at the first stop string (which is not
 * returned, as in the OpenAI API), and released for streaming only where no stop string could still
 * begin and no character is still incomplete. Stop tokens (EOS) end the choice and add no text. Not
 * thread-safe: one sampler thread feeds it.
 */
final class ChoiceText {
  private final Tokenizer tokenizer;
  private final List<String> stops;
  private final int[] stopTokens;
  private final int maxTokens;
  private final List<Integer> textTokens = new ArrayList<>();
  private int generated;
  private String text = "";
  private int released;
  private String finishReason;

  ChoiceText(Tokenizer tokenizer, List<String> stops, int[] stopTokens, int maxTokens) {
    this.tokenizer = tokenizer;
    this.stops = List.copyOf(stops);
    this.stopTokens = stopTokens.clone();
    this.maxTokens = maxTokens;
  }

  /** Adds a drawn token; returns false when the choice is complete. */
  boolean add(int token) {
    if (finishReason != null) {
      return false;
    }
    generated++;
    for (int s : stopTokens) {
      if (s == token) {
        finishReason = "stop";
        return false;
      }
    }
    textTokens.add(token);
    text = tokenizer.decode(textTokens.stream().mapToInt(Integer::intValue).toArray());
    int cut = firstStop();
    if (cut >= 0) {
      text = text.substring(0, cut);
      finishReason = "stop";
      return false;
    }
    if (generated >= maxTokens) {
      finishReason = "length";
      return false;
    }
    return true;
  }

  /** Ends a choice the sampler ended without telling (the context filled up). */
  void finishIfOpen() {
    if (finishReason == null) {
      finishReason = "length";
    }
  }

  private int firstStop() {
    int best = -1;
    for (String stop : stops) {
      int at = text.indexOf(stop);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
      }
    }
    return best;
  }

  /** Text not yet released that can no longer change; all of it once the choice is complete. */
  String release() {
    int safe = text.length();
    if (finishReason == null) {
      safe = Math.max(released, text.length() - heldForStops());
      while (safe > released && text.charAt(safe - 1) == '\uFFFD') {
        safe--; // an incomplete UTF-8 sequence decodes as U+FFFD until its last byte arrives
      }
    }
    if (safe <= released) {
      return "";
    }
    String delta = text.substring(released, safe);
    released = safe;
    return delta;
  }

  /** The longest end of the text that is the start of a stop string, which may yet complete. */
  private int heldForStops() {
    int held = 0;
    for (String stop : stops) {
      for (int k = Math.min(stop.length() - 1, text.length()); k > held; k--) {
        if (text.endsWith(stop.substring(0, k))) {
          held = k;
          break;
        }
      }
    }
    return held;
  }

  String text() {
    return text;
  }

  /** Tokens drawn for this choice, a final stop token included: the usage count. */
  int generatedTokens() {
    return generated;
  }

  boolean finished() {
    return finishReason != null;
  }

  /** "stop" or "length"; null while the choice is open. */
  String finishReason() {
    return finishReason;
  }
}
