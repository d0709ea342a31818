package io.tributary.stream;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.ScoredRollout;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Flink adapter of {@link GroupAssembler}, keyed by group id: keeps the members of a group in keyed
 * state until all G are there, then emits them with their advantages and clears the key; a group
 * still incomplete {@code timeoutMs} (processing time) after its first member goes to the dead
 * letters. Its key then keeps only a marker for another {@code timeoutMs}, so that a member
 * arriving in that time goes to the dead letters at once, named as late, instead of being held as
 * the start of a new group that can never complete; the marker's own timer clears it. A member
 * later than that is held and dead-lettered as an incomplete group of its own.
 */
final class GroupAssemblyFunction
    extends KeyedProcessFunction<String, ScoredMember, ScoredRollout> {
  private final long timeoutMs;
  private final OutputTag<DeadLetter> deadLetters;
  private transient ListState<ScoredRollout> members;
  private transient ValueState<InputOrigin> origin;
  private transient ValueState<Long> deadline;
  private transient ValueState<Long> timedOutUntil;
  private transient Counter emitted;
  private transient Counter timedOut;
  private transient Counter lateMembers;

  GroupAssemblyFunction(long timeoutMs, OutputTag<DeadLetter> deadLetters) {
    this.timeoutMs = timeoutMs;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext context) {
    var rc = getRuntimeContext();
    members =
        rc.getListState(
            new ListStateDescriptor<>("members", TypeInformation.of(ScoredRollout.class)));
    origin =
        rc.getState(new ValueStateDescriptor<>("origin", TypeInformation.of(InputOrigin.class)));
    deadline = rc.getState(new ValueStateDescriptor<>("deadline", Types.LONG));
    timedOutUntil = rc.getState(new ValueStateDescriptor<>("timed-out-until", Types.LONG));
    emitted = rc.getMetricGroup().counter("rolloutsEmitted");
    timedOut = rc.getMetricGroup().counter("groupsTimedOut");
    lateMembers = rc.getMetricGroup().counter("lateMembers");
  }

  @Override
  public void processElement(ScoredMember member, Context ctx, Collector<ScoredRollout> out)
      throws Exception {
    if (timedOutUntil.value() != null) {
      lateMembers.inc();
      ctx.output(
          deadLetters,
          GroupAssembler.lateMember(
              member.origin(), member.rollout(), timeoutMs, System.currentTimeMillis()));
      return;
    }
    members.add(member.rollout());
    List<ScoredRollout> all = list();
    if (GroupAssembler.isComplete(all)) {
      for (ScoredRollout r : GroupAssembler.complete(all, System.currentTimeMillis())) {
        out.collect(r);
        emitted.inc();
      }
      clear(ctx.timerService());
      return;
    }
    if (deadline.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + timeoutMs;
      ctx.timerService().registerProcessingTimeTimer(at);
      deadline.update(at);
      origin.update(member.origin());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredRollout> out)
      throws Exception {
    if (timedOutUntil.value() != null) {
      // the marker's timer: while it is set no member is kept, so no deadline timer is pending
      timedOutUntil.clear();
      return;
    }
    List<ScoredRollout> all = list();
    InputOrigin first = origin.value();
    clear(ctx.timerService());
    if (!all.isEmpty()) {
      timedOut.inc();
      ctx.output(
          deadLetters, GroupAssembler.timedOut(first, all, timeoutMs, System.currentTimeMillis()));
      long until = timestamp + timeoutMs;
      ctx.timerService().registerProcessingTimeTimer(until);
      timedOutUntil.update(until);
    }
  }

  private List<ScoredRollout> list() throws Exception {
    List<ScoredRollout> all = new ArrayList<>();
    for (ScoredRollout r : members.get()) {
      all.add(r);
    }
    return all;
  }

  private void clear(org.apache.flink.streaming.api.TimerService timers) throws Exception {
    if (deadline.value() != null) {
      timers.deleteProcessingTimeTimer(deadline.value());
    }
    members.clear();
    origin.clear();
    deadline.clear();
  }
}
