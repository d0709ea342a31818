package io.tributary.rollout;

import io.tributary.messages.PromptMessage;

/**
 * A prompt that passed validation, with its encoded tokens ({@code [BOS] + encode(prompt)}) and the
 * id of the group of G completions it becomes ({@code promptId@originTag}).
 */
public record ValidPrompt(InputOrigin origin, PromptMessage prompt, int[] tokens, String groupId) {}
