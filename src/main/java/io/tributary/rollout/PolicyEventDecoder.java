package io.tributary.rollout;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.MessageFormatException;
import io.tributary.messages.PolicyVersionEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes policy-version events; one that does not decode is a dead letter, not a job failure. */
final class PolicyEventDecoder extends ProcessFunction<RawInput, PolicyVersionEvent> {
  private final OutputTag<DeadLetter> deadLetters;

  PolicyEventDecoder(OutputTag<DeadLetter> deadLetters) {
    this.deadLetters = deadLetters;
  }

  @Override
  public void processElement(RawInput input, Context ctx, Collector<PolicyVersionEvent> out) {
    String payload = input.payload() == null ? "" : input.payload();
    try {
      out.collect(MessageCodec.decode(payload, PolicyVersionEvent.class));
    } catch (MessageFormatException e) {
      ctx.output(
          deadLetters,
          input.origin().deadLetter(payload, e.getMessage(), System.currentTimeMillis()));
    }
  }
}
