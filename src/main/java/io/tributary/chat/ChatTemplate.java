package io.tributary.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * A model's chat template ({@code tokenizer_config.json}'s {@code chat_template}, or {@code
 * chat_template.jinja}) rendered the way transformers' {@code apply_chat_template} renders it:
 * Jinja with {@code trim_blocks} and {@code lstrip_blocks}, the variables {@code messages}, {@code
 * add_generation_prompt}, {@code tools} and the named special tokens ({@code bos_token}, {@code
 * eos_token}, ...), the globals {@code raise_exception} and {@code strftime_now}, a {@code tojson}
 * that writes what Python's {@code json.dumps} writes, and Python's string methods. Extra variables
 * (for example Qwen3's {@code enable_thinking}) are passed through as transformers passes its
 * keyword arguments.
 */
public final class ChatTemplate {
  private static final List<String> NAMED_SPECIAL_TOKENS =
      List.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token");

  private final String source;
  private final String template;
  private final Map<String, String> specialTokens;
  private final Jinjava jinja;

  public ChatTemplate(String source, Map<String, String> specialTokens) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("chat_template: empty");
    }
    this.source = source;
    this.template = JinjaRewrites.apply(source);
    this.specialTokens = Map.copyOf(specialTokens);
    this.jinja = newEngine();
  }

  /**
   * The template of a Hugging Face model directory: {@code chat_template.jinja} when present (as
   * transformers prefers it), else {@code tokenizer_config.json}'s {@code chat_template}; the
   * special tokens always come from {@code tokenizer_config.json}.
   */
  public static ChatTemplate read(Path modelDir) {
    Path config = modelDir.resolve("tokenizer_config.json");
    Path jinjaFile = modelDir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinjaFile)) {
      JsonNode root = readJson(config);
      return new ChatTemplate(readString(jinjaFile), specialTokens(root));
    }
    return fromTokenizerConfig(config);
  }

  public static ChatTemplate fromTokenizerConfig(Path tokenizerConfig) {
    JsonNode root = readJson(tokenizerConfig);
    JsonNode node = root.get("chat_template");
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(
          tokenizerConfig + ": no chat_template (expected a Jinja string or a list of named ones)");
    }
    String source;
    if (node.isTextual()) {
      source = node.asText();
    } else if (node.isArray()) {
      // Named templates: transformers renders "default" unless asked for another by name.
      source = null;
      for (JsonNode named : node) {
        if ("default".equals(named.path("name").asText())) {
          source = named.path("template").asText();
        }
      }
      if (source == null) {
        throw new IllegalArgumentException(
            tokenizerConfig + ": chat_template is a list without a template named 'default'");
      }
    } else {
      throw new IllegalArgumentException(
          tokenizerConfig + ": chat_template is " + node.getNodeType() + ", expected a string");
    }
    return new ChatTemplate(source, specialTokens(root));
  }

  /** The template text as the model ships it. */
  public String source() {
    return source;
  }

  /** The named special tokens the template sees, for example {@code bos_token}. */
  public Map<String, String> specialTokens() {
    return specialTokens;
  }

  /**
   * A task's prompt as the policy sees it: the system prompt (when not null or blank), the user
   * turn, and the assistant's turn opened for the completion.
   */
  public String taskPrompt(String systemPrompt, String userPrompt, Map<String, Object> extra) {
    List<Message> messages = new ArrayList<>(2);
    if (systemPrompt != null && !systemPrompt.isBlank()) {
      messages.add(Message.system(systemPrompt));
    }
    messages.add(Message.user(userPrompt));
    return render(messages, true, extra);
  }

  public String render(List<Message> messages, boolean addGenerationPrompt) {
    return render(messages, addGenerationPrompt, Map.of());
  }

  /**
   * The conversation as the model expects it. {@code extra} holds further template variables
   * ({@code enable_thinking}, {@code tools}, ...); they override the special tokens of the same
   * name, as transformers' keyword arguments do.
   */
  public String render(
      List<Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
    List<Map<String, Object>> dicts = new ArrayList<>(messages.size());
    for (Message m : messages) {
      dicts.add(m.asTemplateValue());
    }
    Map<String, Object> variables = new LinkedHashMap<>(specialTokens);
    variables.put("messages", dicts);
    variables.put("add_generation_prompt", addGenerationPrompt);
    variables.putAll(extra);
    RenderResult result = jinja.renderForResult(template, variables);
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new IllegalArgumentException(
            "chat template failed at line "
                + error.getLineno()
                + ": "
                + error.getMessage()
                + rootCause(error.getException()));
      }
    }
    return result.getOutput();
  }

  /** Jinjava's opt-in fixes that bring it closer to Jinja2, the engine transformers uses. */
  private static final LegacyOverrides JINJA2_BEHAVIOUR =
      LegacyOverrides.newBuilder()
          .withEvaluateMapKeys(true)
          .withIterateOverMapKeys(true)
          .withParseWhitespaceControlStrictly(true)
          .withUseTrimmingForNotesAndExpressions(true)
          .withKeepNullableLoopValues(true)
          .withHandleBackslashInQuotesOnly(true)
          .withUsePyishObjectMapper(true)
          .build();

  /** The innermost message, where a template's own raise_exception text ends up. */
  private static String rootCause(Throwable t) {
    Throwable root = ExceptionUtils.getRootCause(t);
    return root == null || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
  }

  private static Jinjava newEngine() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethods());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .withLegacyOverrides(JINJA2_BEHAVIOUR)
            .withElResolver(resolver)
            .withFailOnUnknownTokens(false)
            // a message's text is data: "{{ x }}" inside it must print as typed, not be rendered
            .withNestedInterpretationEnabled(false)
            .build();
    Jinjava jinja = new Jinjava(config);
    jinja.registerFilter(new ToJson());
    jinja.registerTag(new GenerationTag());
    jinja.registerFilter(new Items());
    jinja.registerFunction(
        new ELFunctionDefinition(
            "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    jinja.registerFunction(
        new ELFunctionDefinition(
            "", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
    return jinja;
  }

  /** The template's own error, for example "System role not supported". */
  public static String raiseException(String message) {
    throw new IllegalArgumentException(message);
  }

  public static String strftimeNow(String format) {
    return Strftime.format(LocalDateTime.now(), format);
  }

  private static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PythonJson.dumps(var, null);
    }

    @Override
    public Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
      return PythonJson.dumps(
          var, indent instanceof Number n ? Integer.valueOf(n.intValue()) : null);
    }
  }

  /** {@code dict|items}: the entries, which "for k, v in ..." unpacks into key and value. */
  private static final class Items implements Filter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return var instanceof Map<?, ?> m ? new ArrayList<>(m.entrySet()) : var;
    }
  }

  private static Map<String, String> specialTokens(JsonNode root) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String name : NAMED_SPECIAL_TOKENS) {
      JsonNode value = root.get(name);
      if (value == null || value.isNull()) {
        continue;
      }
      tokens.put(name, value.isObject() ? value.path("content").asText() : value.asText());
    }
    return tokens;
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.mapper().readTree(readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
