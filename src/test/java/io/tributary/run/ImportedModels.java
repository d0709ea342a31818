package io.tributary.run;

import io.tributary.hf.HfConfig;
import io.tributary.hf.RandomCheckpoint;
import io.tributary.hf.SafetensorsDtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Hugging Face model directories for closed-loop tests, and run configs that name them. */
final class ImportedModels {
  private static final Path FIXTURES = Path.of("src/test/resources/hf");
  private static final Path TEMPLATES = Path.of("src/test/resources/chat-templates");

  /** Token ids of the Qwen3 fixture tokenizer's added tokens. */
  static final int END_OF_TEXT = 147;

  static final int IM_END = 149;

  private ImportedModels() {}

  /**
   * A generated random Qwen3 checkpoint, two layers of width 32, with the Qwen3 fixture's
   * byte-level tokenizer, Qwen3's published tokenizer_config.json (its chat template: end of turn
   * {@code <|im_end|>}, padding {@code <|endoftext|>}, no BOS) and a generation_config.json that
   * stops at both, as Qwen3's does.
   */
  static Path randomQwen3(Path dir) {
    HfConfig config =
        HfConfig.parse(
            """
            {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
             "num_key_value_heads": 1, "head_dim": 16, "vocab_size": 160, "rms_norm_eps": 1e-06,
             "rope_theta": 1000000, "rope_scaling": null, "max_position_embeddings": 512,
             "hidden_act": "silu", "attention_bias": false, "tie_word_embeddings": true,
             "torch_dtype": "float32", "eos_token_id": 149, "pad_token_id": 147}
            """,
            "random Qwen3 config.json");
    RandomCheckpoint.write(dir, config, SafetensorsDtype.F32, 7, Long.MAX_VALUE);
    copy(FIXTURES.resolve("qwen3/tokenizer.json"), dir);
    copy(TEMPLATES.resolve("qwen3/tokenizer_config.json"), dir);
    write(
        dir.resolve("generation_config.json"),
        """
        {"bos_token_id": 147, "do_sample": true, "eos_token_id": [149, 147], "pad_token_id": 147,
         "temperature": 0.6, "top_k": 20, "top_p": 0.95}
        """);
    return dir;
  }

  /** The committed DeepSeek-V3 parity fixture, copied so a run cannot touch the original. */
  static Path deepSeekV3(Path dir) {
    try {
      Files.createDirectories(dir);
      try (var files = Files.list(FIXTURES.resolve("deepseek_v3"))) {
        for (Path f : files.toList()) {
          if (!f.getFileName().toString().equals("reference.json")) {
            copy(f, dir);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** GSM8K's format (question, worked answer ending in {@code #### N}) with short problems. */
  static Path gsm8kFile(Path dir, int lines) {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      int a = 2 + i % 7;
      int b = 3 + i % 5;
      jsonl.append(
          "{\"question\": \"Ann has %d pens and buys %d. How many now?\", \"answer\": \"%d + %d = <<%d+%d=%d>>%d\\n#### %d\"}\n"
              .formatted(a, b, a, b, a, b, a + b, a + b, a + b));
    }
    Path file = dir.resolve("gsm8k-sample.jsonl");
    write(file, jsonl.toString());
    return file;
  }

  static List<String> versionFiles(Path run) {
    try (var files = Files.list(run.resolve(RunLoop.POLICIES))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path file, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
