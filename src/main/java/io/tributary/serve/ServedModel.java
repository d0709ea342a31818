package io.tributary.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.chat.ChatTemplate;
import io.tributary.chat.Message;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.hf.HfImport;
import io.tributary.hf.HfTokenizers;
import io.tributary.hf.LoraPolicies;
import io.tributary.json.Json;
import io.tributary.model.DeviceChoice;
import io.tributary.model.GenerationDefaults;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server serves: a policy, its tokenizer, its chat template (none for the character
 * tokenizer) and its generation defaults, under the name clients ask for. The source (a Tributary
 * checkpoint, or a Hugging Face directory) only decides how these are built.
 */
public final class ServedModel implements AutoCloseable {
  private final String id;
  private final PolicyModel policy;
  private final Tokenizer tokenizer;
  private final ChatTemplate chatTemplate;
  private final GenerationDefaults defaults;
  private final long created = System.currentTimeMillis() / 1000;

  /** {@code chatTemplate} may be null: chat prompts then use {@link #fallbackChatPrompt}. */
  public ServedModel(
      String id,
      PolicyModel policy,
      Tokenizer tokenizer,
      ChatTemplate chatTemplate,
      GenerationDefaults defaults) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("model name: empty");
    }
    this.id = id;
    this.policy = policy;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.defaults = defaults;
  }

  /**
   * A Tributary checkpoint file, on {@code device} (null: the checkpoint's own choice); its name
   * without the extension is the model's id unless {@code id} is given.
   */
  public static ServedModel fromCheckpoint(Path file, String id, DeviceChoice device) {
    Checkpoint checkpoint = Checkpoint.read(file);
    ModelConfig config = checkpoint.header().modelConfig();
    Tokenizer tokenizer = Tokenizer.fromSpec(checkpoint.tokenizer());
    // a LoRA run's version is its adapters over the base they name (a Hugging Face directory too)
    PolicyModel policy =
        LoraPolicies.load(checkpoint, null, device != null ? device : config.device());
    String name = id != null ? id : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    // an imported model's checkpoint carries its generation_config.json: the same stop tokens
    return new ServedModel(name, policy, tokenizer, null, GenerationDefaults.of(config));
  }

  /**
   * A Hugging Face model directory (imported by {@code io.tributary.hf}), on {@code device} (null:
   * auto), with its tokenizer, its chat template when tokenizer_config.json has one, and the stop
   * tokens and sampling defaults of generation_config.json; the directory's name is the id unless
   * {@code id} is given.
   */
  public static ServedModel fromHuggingFace(Path dir, String id, DeviceChoice device) {
    return fromHuggingFace(dir, id, device, null);
  }

  /** As above, with the weights stored in {@code dtype} (null: float32; float16 for inference). */
  public static ServedModel fromHuggingFace(
      Path dir, String id, DeviceChoice device, Precision dtype) {
    Tokenizer tokenizer = HfTokenizers.load(dir);
    ChatTemplate template = hasChatTemplate(dir) ? ChatTemplate.read(dir) : null;
    GenerationDefaults defaults = GenerationDefaults.read(dir);
    PolicyModel policy = HfImport.load(dir, device, dtype);
    String name = id != null ? id : dir.toAbsolutePath().normalize().getFileName().toString();
    return new ServedModel(name, policy, tokenizer, template, defaults);
  }

  private static boolean hasChatTemplate(Path dir) {
    if (Files.isRegularFile(dir.resolve("chat_template.jinja"))) {
      return true;
    }
    Path config = dir.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(config)) {
      return false;
    }
    try {
      JsonNode template = Json.mapper().readTree(Files.readString(config)).get("chat_template");
      return template != null && !template.isNull();
    } catch (IOException e) {
      throw new IllegalArgumentException(config + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  public String id() {
    return id;
  }

  PolicyModel policy() {
    return policy;
  }

  Tokenizer tokenizer() {
    return tokenizer;
  }

  long created() {
    return created;
  }

  GenerationDefaults defaults() {
    return defaults;
  }

  int maxSeqLen() {
    return policy.config().maxSeqLen();
  }

  /** The tokenizer's EOS and the generation config's end tokens. */
  int[] stopTokens() {
    Set<Integer> stops = new LinkedHashSet<>();
    stops.add(tokenizer.eos());
    stops.addAll(defaults.eosTokenIds());
    return stops.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Tokens the sampler never draws: padding and a second BOS. */
  int[] blockedTokens() {
    return new int[] {tokenizer.pad(), tokenizer.bos()};
  }

  int[] completionPrompt(String prompt) {
    return tokenizer.encodePrompt(prompt);
  }

  /**
   * A conversation as the model expects it: through its chat template when it has one (the template
   * adds BOS itself where the model wants it, as with transformers), else {@link
   * #fallbackChatPrompt}.
   */
  int[] chatPrompt(List<Message> messages) {
    if (chatTemplate == null) {
      return tokenizer.encodePrompt(fallbackChatPrompt(messages));
    }
    int[] ids = tokenizer.encode(chatTemplate.render(messages, true));
    return ids.length == 0 ? new int[] {tokenizer.bos()} : ids;
  }

  /**
   * Without a template (the character tokenizer's policies are trained on bare task prompts), the
   * messages' contents joined by newlines, in order: a single user message is exactly the prompt
   * the policy was trained on.
   */
  static String fallbackChatPrompt(List<Message> messages) {
    List<String> parts = new ArrayList<>();
    for (Message m : messages) {
      parts.add(m.content() == null ? "" : m.content());
    }
    return String.join("\n", parts);
  }

  @Override
  public void close() {
    policy.close();
    tokenizer.close();
  }
}
