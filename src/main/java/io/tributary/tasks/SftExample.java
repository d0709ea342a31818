package io.tributary.tasks;

/**
 * One supervised fine-tuning example: the loss goes on {@code completion} only, never on {@code
 * prompt}. The completion has the form {@code <think>steps</think><answer>answer</answer>}.
 *
 * @param id the id of the {@link TaskPrompt} it solves
 * @param prompt the prompt text, identical to the task prompt's
 * @param completion the reasoning trace and answer
 * @param task the task name
 */
public record SftExample(String id, String prompt, String completion, String task) {
  public SftExample {
    for (String[] field :
        new String[][] {
          {"id", id}, {"prompt", prompt}, {"completion", completion}, {"task", task}
        }) {
      if (field[1] == null || field[1].isEmpty()) {
        throw new IllegalArgumentException(field[0] + ": got nothing, expected text");
      }
    }
  }
}
