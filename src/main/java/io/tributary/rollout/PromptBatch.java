package io.tributary.rollout;

import java.util.List;

/** Prompts gathered on one generation subtask, to be sampled in one batched call. */
public record PromptBatch(List<ValidPrompt> prompts) {}
