package io.tributary.tasks;

import java.util.Map;

/**
 * One drawn problem before it gets an id.
 *
 * @param key identity for de-duplication across splits: two instances with the same key are the
 *     same problem (for countdown the sorted numbers and the target, whatever their order)
 * @param prompt the prompt text
 * @param answer the gold answer
 * @param extra task fields for the verifier
 * @param solution the reference solution tree whose derivation is the SFT trace
 */
public record GeneratedInstance(
    String key, String prompt, String answer, Map<String, Object> extra, Expression solution) {}
