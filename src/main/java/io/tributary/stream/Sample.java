package io.tributary.stream;

import io.tributary.messages.FinishReason;

/** One sampled completion: its tokens, text, behaviour log-probs and why it ended. */
public record Sample(int[] tokens, double[] logProbs, String text, FinishReason finishReason) {}
