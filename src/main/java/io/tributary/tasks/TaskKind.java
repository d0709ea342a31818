package io.tributary.tasks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The built-in tasks; a prompt's {@code task} field names one of them and so its verifier. */
public enum TaskKind {
  COUNTDOWN(new CountdownVerifier()),
  ARITHMETIC(NumericAnswerVerifier.integers()),
  GSM8K(NumericAnswerVerifier.lenient());

  private final Verifier verifier;

  TaskKind(Verifier verifier) {
    this.verifier = verifier;
  }

  public Verifier verifier() {
    return verifier;
  }

  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static TaskKind fromName(String name) {
    for (TaskKind kind : values()) {
      if (kind.configName().equalsIgnoreCase(name == null ? "" : name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "task: got '" + name + "', expected one of countdown, arithmetic, gsm8k");
  }

  /** Verifies {@code answer} with the verifier of the prompt's own task. */
  public static Verdict verify(TaskPrompt prompt, String answer) {
    return fromName(prompt.task()).verifier().verify(prompt, answer);
  }
}
