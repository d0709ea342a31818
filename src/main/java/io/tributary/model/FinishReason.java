package io.tributary.model;

/** Why a completion ended: a stop token, or the token budget (a truncated completion). */
public enum FinishReason {
  STOP,
  LENGTH
}
