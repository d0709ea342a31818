package io.tributary.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The response bodies of the OpenAI API reference: completion ({@code text_completion}), chat
 * completion ({@code chat.completion}) and their streamed chunks, the model list and errors.
 */
final class OpenAiJson {
  private OpenAiJson() {}

  static ObjectNode error(ApiError e) {
    ObjectNode body = Json.mapper().createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", e.getMessage());
    error.put("type", e.type);
    error.put("param", e.param);
    error.put("code", e.code);
    return body;
  }

  static ObjectNode modelList(ServedModel model) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("object", "list");
    body.putArray("data").add(model(model));
    return body;
  }

  static ObjectNode model(ServedModel model) {
    ObjectNode m = Json.mapper().createObjectNode();
    m.put("id", model.id());
    m.put("object", "model");
    m.put("created", model.created());
    m.put("owned_by", "tributary");
    m.put("max_model_len", model.maxSeqLen());
    return m;
  }

  /** The whole answer of a request that did not stream. */
  static ObjectNode response(ResponseJob job, String id, long created) {
    boolean chat = job.request().chat();
    ObjectNode body = header(job, id, created, chat ? "chat.completion" : "text_completion");
    ArrayNode choices = body.putArray("choices");
    for (int i = 0; i < job.choiceCount(); i++) {
      ChoiceText c = job.choice(i);
      ObjectNode choice = choices.addObject();
      choice.put("index", i);
      if (chat) {
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", c.text());
        message.putNull("refusal");
      } else {
        choice.put("text", c.text());
      }
      putLogprobs(choice, job, job.logprobs(i), 0);
      choice.put("finish_reason", c.finishReason());
    }
    body.set("usage", usage(job));
    return body;
  }

  /** One streamed piece of one choice. */
  static ObjectNode chunk(
      ResponseJob job, String id, long created, ResponseJob.Event event, int textOffset) {
    boolean chat = job.request().chat();
    ObjectNode body = header(job, id, created, chat ? "chat.completion.chunk" : "text_completion");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", event.index());
    if (chat) {
      ObjectNode delta = choice.putObject("delta");
      if (!event.text().isEmpty() || event.finishReason() == null) {
        delta.put("content", event.text());
      }
    } else {
      choice.put("text", event.text());
    }
    putLogprobs(choice, job, event.logprobs(), textOffset);
    choice.put("finish_reason", event.finishReason());
    if (job.request().includeUsage()) {
      body.putNull("usage");
    }
    return body;
  }

  /** A chat stream's first chunk of a choice: the assistant role, no text yet. */
  static ObjectNode roleChunk(ResponseJob job, String id, long created, int index) {
    ObjectNode body = header(job, id, created, "chat.completion.chunk");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", index);
    ObjectNode delta = choice.putObject("delta");
    delta.put("role", "assistant");
    delta.put("content", "");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    if (job.request().includeUsage()) {
      body.putNull("usage");
    }
    return body;
  }

  /** The last chunk of a stream with {@code stream_options.include_usage}: no choices, usage. */
  static ObjectNode usageChunk(ResponseJob job, String id, long created) {
    ObjectNode body =
        header(
            job, id, created, job.request().chat() ? "chat.completion.chunk" : "text_completion");
    body.putArray("choices");
    body.set("usage", usage(job));
    return body;
  }

  private static ObjectNode header(ResponseJob job, String id, long created, String object) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("id", id);
    body.put("object", object);
    body.put("created", created);
    body.put("model", job.model().id());
    return body;
  }

  private static ObjectNode usage(ResponseJob job) {
    ObjectNode usage = Json.mapper().createObjectNode();
    int prompt = job.promptTokens();
    int completion = job.completionTokens();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    return usage;
  }

  private static void putLogprobs(
      ObjectNode choice, ResponseJob job, List<TokenLogprobs> tokens, int textOffset) {
    if (job.request().topLogprobs() == null) {
      choice.putNull("logprobs");
      return;
    }
    ObjectNode logprobs = choice.putObject("logprobs");
    if (job.request().chat()) {
      ArrayNode content = logprobs.putArray("content");
      for (TokenLogprobs t : tokens) {
        ObjectNode entry = content.addObject();
        String text = tokenText(job, t.token());
        entry.put("token", text);
        entry.put("logprob", t.logprob());
        putBytes(entry, text);
        ArrayNode top = entry.putArray("top_logprobs");
        for (int k = 0; k < t.topTokens().length; k++) {
          ObjectNode alt = top.addObject();
          String altText = tokenText(job, t.topTokens()[k]);
          alt.put("token", altText);
          alt.put("logprob", t.topLogprobs()[k]);
          putBytes(alt, altText);
        }
      }
      logprobs.putNull("refusal");
      return;
    }
    ArrayNode texts = logprobs.putArray("tokens");
    ArrayNode values = logprobs.putArray("token_logprobs");
    ArrayNode tops = logprobs.putArray("top_logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    int offset = textOffset;
    for (TokenLogprobs t : tokens) {
      String text = tokenText(job, t.token());
      texts.add(text);
      values.add(t.logprob());
      ObjectNode top = tops.addObject();
      for (int k = 0; k < t.topTokens().length; k++) {
        top.put(tokenText(job, t.topTokens()[k]), t.topLogprobs()[k]);
      }
      offsets.add(offset);
      offset += text.length();
    }
  }

  private static String tokenText(ResponseJob job, int token) {
    return job.model().tokenizer().decode(new int[] {token});
  }

  private static void putBytes(ObjectNode entry, String text) {
    ArrayNode bytes = entry.putArray("bytes");
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
  }
}
