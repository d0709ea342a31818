package io.tributary.rollout;

/** One record as read, before validation: its origin and its value as UTF-8 text. */
public record RawInput(InputOrigin origin, String payload) {}
