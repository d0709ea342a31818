package io.tributary.rollout;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gathers prompts into batches of {@code size}, or fewer once the first waited {@code maxWaitMs}.
 * The buffer is keyed state, so prompts waiting at a checkpoint are in it. An event-time timer at
 * the end of time flushes what is left when a bounded input ends (Flink drops pending
 * processing-time timers then, but fires event-time timers on the final watermark).
 */
final class MicroBatchFunction extends KeyedProcessFunction<Integer, ValidPrompt, PromptBatch> {
  private final MicroBatchConfig config;
  private transient ListState<ValidPrompt> buffer;
  private transient ValueState<Integer> count;
  private transient ValueState<Long> deadline;

  MicroBatchFunction(MicroBatchConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    buffer =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("buffer", TypeInformation.of(ValidPrompt.class)));
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
    deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
  }

  @Override
  public void processElement(ValidPrompt prompt, Context ctx, Collector<PromptBatch> out)
      throws Exception {
    buffer.add(prompt);
    int n = count.value() == null ? 1 : count.value() + 1;
    count.update(n);
    if (n >= config.size()) {
      flush(ctx.timerService(), out);
      return;
    }
    if (deadline.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + config.maxWaitMs();
      ctx.timerService().registerProcessingTimeTimer(at);
      deadline.update(at);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PromptBatch> out)
      throws Exception {
    flush(ctx.timerService(), out);
  }

  private void flush(org.apache.flink.streaming.api.TimerService timers, Collector<PromptBatch> out)
      throws Exception {
    List<ValidPrompt> prompts = new ArrayList<>();
    for (ValidPrompt p : buffer.get()) {
      prompts.add(p);
    }
    if (deadline.value() != null) {
      timers.deleteProcessingTimeTimer(deadline.value());
    }
    buffer.clear();
    count.clear();
    deadline.clear();
    if (!prompts.isEmpty()) {
      out.collect(new PromptBatch(prompts));
    }
  }
}
