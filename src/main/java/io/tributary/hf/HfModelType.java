package io.tributary.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The {@code model_type}s of config.json that Tributary loads, each one architecture family. */
public enum HfModelType {
  LLAMA("llama"),
  QWEN2("qwen2"),
  QWEN3("qwen3"),
  QWEN3_MOE("qwen3_moe"),
  MIXTRAL("mixtral"),
  DEEPSEEK_V3("deepseek_v3");

  private final String configName;

  HfModelType(String configName) {
    this.configName = configName;
  }

  /** The name as config.json spells it. */
  public String configName() {
    return configName;
  }

  public static HfModelType fromConfigName(String name, String where) {
    for (HfModelType type : values()) {
      if (type.configName.equals(name)) {
        return type;
      }
    }
    throw new HfFormatException(
        where + ": model_type '" + name + "' is not supported (supported: " + supported() + ")");
  }

  public static String supported() {
    return Arrays.stream(values()).map(HfModelType::configName).collect(Collectors.joining(", "));
  }
}
