package io.tributary.model;

/** How the router turns affinities into scores: DeepSeekMoE/V2 use softmax, DeepSeek-V3 sigmoid. */
public enum ScoringFunction {
  SOFTMAX,
  SIGMOID
}
