package io.tributary.tasks;

/** Judges the text inside {@code <answer>...</answer>} against one task prompt. */
@FunctionalInterface
public interface Verifier {
  Verdict verify(TaskPrompt prompt, String answer);
}
