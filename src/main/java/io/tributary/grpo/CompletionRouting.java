package io.tributary.grpo;

import io.tributary.model.ModelConfig;
import io.tributary.model.ReplayedRoutes;
import io.tributary.model.RoutingContext;
import io.tributary.model.RoutingTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Routing of the completion positions of a {@link TrainingRows} batch: the sampler's traces laid
 * out for replay, and the learner's own choices read back as traces. Completion token j of a row is
 * predicted at column P − 1 + j, so that is where its trace entry j goes (see {@link
 * RoutingTrace}).
 */
final class CompletionRouting {
  private CompletionRouting() {}

  /**
   * The rows' traces placed at their prompt and completion positions; positions without a trace
   * route freely.
   */
  static ReplayedRoutes replayed(
      ModelConfig model, TrainingRows batch, List<TrainingRows.Row> rows) {
    int width = batch.tokens()[0].length;
    ReplayedRoutes routes = new ReplayedRoutes(model, batch.rows() * width);
    for (int i = 0; i < rows.size(); i++) {
      TrainingRows.Row row = rows.get(i);
      RoutingTrace prompt = row.promptRouting();
      if (prompt != null) {
        if (prompt.tokens() != row.prompt().length - 1) {
          throw new IllegalArgumentException(
              "prompt routing trace of "
                  + prompt.tokens()
                  + " tokens for a prompt of "
                  + row.prompt().length
                  + " tokens; expected one per prompt token before the last");
        }
        routes.put(i * width + batch.padding()[i], prompt);
      }
      if (row.routing() != null) {
        routes.put(i * width + batch.promptWidth() - 1, row.routing());
      }
    }
    return routes;
  }

  /**
   * The experts a recording forward over {@code batch} chose at each row's completion positions,
   * one trace per row covering its {@code completionLengths[i]} tokens.
   */
  static List<RoutingTrace> recorded(
      ModelConfig model, RoutingContext routing, TrainingRows batch, int[] completionLengths) {
    int width = batch.tokens()[0].length;
    int layers = model.moeLayers();
    int k = model.topK();
    List<RoutingTrace> out = new ArrayList<>(batch.rows());
    for (int i = 0; i < batch.rows(); i++) {
      int n = completionLengths[i];
      int[] ids = new int[n * layers * k];
      for (int j = 0; j < n; j++) {
        int position = i * width + batch.promptWidth() - 1 + j;
        for (int layer = 0; layer < layers; layer++) {
          System.arraycopy(routing.routes(layer), position * k, ids, (j * layers + layer) * k, k);
        }
      }
      out.add(RoutingTrace.pack(layers, k, model.routedExperts(), ids));
    }
    return out;
  }

  /**
   * (differing, compared) (token, MoE layer) decisions between {@code sampled} and {@code learned},
   * over the rows where both exist.
   */
  static long[] mismatch(List<RoutingTrace> sampled, List<RoutingTrace> learned) {
    long differing = 0;
    long decisions = 0;
    for (int i = 0; i < sampled.size(); i++) {
      if (sampled.get(i) != null && learned.get(i) != null) {
        differing += sampled.get(i).differingDecisions(learned.get(i));
        decisions += sampled.get(i).decisions();
      }
    }
    return new long[] {differing, decisions};
  }

  static int[] completionLengths(List<TrainingRows.Row> rows) {
    return rows.stream().mapToInt(r -> r.completion().length).toArray();
  }

  static boolean anyTraced(List<TrainingRows.Row> rows) {
    return rows.stream().anyMatch(r -> r.routing() != null);
  }

  static List<RoutingTrace> traces(List<TrainingRows.Row> rows) {
    return Arrays.asList(rows.stream().map(TrainingRows.Row::routing).toArray(RoutingTrace[]::new));
  }
}
