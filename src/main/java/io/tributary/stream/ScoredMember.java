package io.tributary.stream;

import io.tributary.messages.ScoredRollout;

/**
 * A scored member of a group on its way to the group assembler: its advantage is still NaN. The
 * origin of its prompt travels along so that a group that never completes names its input.
 */
public record ScoredMember(InputOrigin origin, ScoredRollout rollout) {}
