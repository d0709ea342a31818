package io.tributary.rollout;

import io.tributary.json.Json;
import io.tributary.messages.DeadLetter;
import io.tributary.tokenizer.Tokenizer;
import io.tributary.tokenizer.TokenizerSpec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Flink adapter of {@link PromptValidator}: valid prompts go on, the rest to the side output. */
final class ValidateFunction extends ProcessFunction<RawInput, ValidPrompt> {
  private final String tokenizerSpecJson;
  private final int maxSeqLen;
  private final OutputTag<DeadLetter> deadLetters;
  private transient PromptValidator validator;
  private transient Counter rejected;

  ValidateFunction(TokenizerSpec tokenizer, int maxSeqLen, OutputTag<DeadLetter> deadLetters) {
    this.tokenizerSpecJson = Json.write(tokenizer);
    this.maxSeqLen = maxSeqLen;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext context) throws Exception {
    TokenizerSpec spec = Json.mapper().readValue(tokenizerSpecJson, TokenizerSpec.class);
    validator = new PromptValidator(Tokenizer.fromSpec(spec), maxSeqLen);
    rejected = getRuntimeContext().getMetricGroup().counter("promptsRejected");
  }

  @Override
  public void processElement(RawInput input, Context ctx, Collector<ValidPrompt> out) {
    Validation verdict = validator.validate(input, System.currentTimeMillis());
    if (verdict instanceof Validation.Accepted a) {
      out.collect(a.prompt());
    } else if (verdict instanceof Validation.Rejected r) {
      rejected.inc();
      ctx.output(deadLetters, r.letter());
    }
  }
}
