package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * DeepSeekMoE layer (Dai et al. 2024; DeepSeek-V3 inference/model.py, MoE): E fine-grained routed
 * experts of which K run per token, plus always-on shared experts.
 *
 * <p>Sparse dispatch without scatter ops (docs/engineering-notes.md, "Sparse dispatch without
 * scatter ops"): assignments are sorted by expert on the host, token rows gathered in that order,
 * each expert runs on its contiguous slice, and the weighted outputs are put back in token order by
 * a gather with the inverse permutation.
 */
public final class MoeFeedForward extends ModelBlock implements FeedForward {
  private final Router router;
  private final List<SwiGlu> experts = new ArrayList<>();
  private final SwiGlu shared;
  private final int expertCount;
  private final int topK;
  private final float routedScale;
  private final double balanceLossWeight;
  private final int
      moeLayer; // index among the model's MoE layers, for recorded and replayed routes

  MoeFeedForward(ModelConfig config, int moeLayer) {
    this.moeLayer = moeLayer;
    expertCount = config.routedExperts();
    topK = config.topK();
    routedScale = config.routedScale().floatValue();
    balanceLossWeight = config.balanceLossWeight();
    router = addChildBlock("router", new Router(config));
    for (int e = 0; e < expertCount; e++) {
      experts.add(addChildBlock("expert" + e, new SwiGlu(config.dim(), config.expertHidden())));
    }
    shared =
        config.sharedExperts() > 0
            ? addChildBlock(
                "shared", new SwiGlu(config.dim(), config.sharedExperts() * config.expertHidden()))
            : null;
  }

  /**
   * One MoE layer on its own, initialised from {@code seed} in {@code manager}: for benchmarks and
   * for users who compose their own blocks.
   */
  public static MoeFeedForward standalone(
      ModelConfig config, ai.djl.ndarray.NDManager manager, long seed) {
    MoeFeedForward layer = new MoeFeedForward(config, 0);
    layer.initializeFrom(new java.util.Random(seed), manager, config.initStd(), config.layers());
    return layer;
  }

  /** (B, T, C) -> (B, T, C) */
  @Override
  public NDArray forward(NDArray x, RoutingContext context) {
    long[] shape = x.getShape().getShape(); // (B, T, C)
    int batch = (int) shape[0];
    int time = (int) shape[1];
    NDArray tokens = x.reshape(-1, shape[2]); // (N, C)
    Router.Routing routing = router.route(tokens, context, moeLayer);
    NDArray routed =
        context.dispatch() == Dispatch.SPARSE
            ? sparse(tokens, routing)
            : dense(tokens, routing); // (N, C)
    if (routedScale != 1f) {
      routed = Scalars.mul(routed, routedScale);
    }
    NDArray out = shared == null ? routed : routed.add(shared.forward(tokens));
    if (context.training() && balanceLossWeight > 0) {
      context.addBalanceLoss(router.balanceLoss(routing, batch, time, context, balanceLossWeight));
    }
    return out.reshape(shape);
  }

  /**
   * One row (C) of a decode step in Java (see {@link TransformerBlock#decode}): the router runs as
   * in {@link #forward(NDArray, RoutingContext)}, in libtorch, so it records and replays routes as
   * always; the K chosen experts and the shared one then run in Java, their weighted outputs summed
   * in the order the sparse path sums them.
   */
  float[] forward(float[] x, RoutingContext context, NDArray like) {
    NDArray row = DecodeProduct.array(like, x, 1, x.length);
    Router.Routing routing = router.route(row, context, moeLayer);
    float[] gates = routing.gates().toFloatArray(); // (E), K of them non-zero
    float[] out = new float[x.length];
    for (int j = 0; j < topK; j++) {
      int e = routing.chosen()[j];
      float[] y = experts.get(e).forward(x);
      for (int i = 0; i < out.length; i++) {
        out[i] += y[i] * gates[e];
      }
    }
    if (routedScale != 1f) {
      for (int i = 0; i < out.length; i++) {
        out[i] *= routedScale;
      }
    }
    if (shared != null) {
      float[] y = shared.forward(x);
      for (int i = 0; i < out.length; i++) {
        out[i] += y[i];
      }
    }
    return out;
  }

  private NDArray sparse(NDArray tokens, Router.Routing routing) {
    int assignments = routing.tokens() * topK;
    int[] chosen = routing.chosen(); // token-major: assignment a = token·K + j
    int[] counts = new int[expertCount];
    for (int e : chosen) {
      counts[e]++;
    }
    int[] start = new int[expertCount + 1];
    for (int e = 0; e < expertCount; e++) {
      start[e + 1] = start[e] + counts[e];
    }
    int[] fill = start.clone();
    long[] rowOfSlot = new long[assignments]; // expert-sorted slot -> token row
    long[] gateOfSlot = new long[assignments]; // expert-sorted slot -> flat (token, expert)
    long[] slotOfAssignment = new long[assignments]; // token-major assignment -> slot
    for (int a = 0; a < assignments; a++) {
      int token = a / topK;
      int e = chosen[a];
      int slot = fill[e]++;
      rowOfSlot[slot] = token;
      gateOfSlot[slot] = (long) token * expertCount + e;
      slotOfAssignment[a] = slot;
    }
    NDManager manager = tokens.getManager();
    NDArray sorted = tokens.get(new NDIndex("{}", manager.create(rowOfSlot))); // (N·K, C)
    NDList outputs = new NDList();
    for (int e = 0; e < expertCount; e++) {
      if (counts[e] == 0) {
        continue; // no token chose this expert: it does no work
      }
      NDArray slice = sorted.get(new NDIndex("{}:{}", start[e], start[e + 1]));
      outputs.add(experts.get(e).forward(slice));
    }
    NDArray expertOut = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
    NDArray gate =
        routing.gates().reshape(-1).get(new NDIndex("{}", manager.create(gateOfSlot))); // (N·K)
    NDArray weighted = expertOut.mul(gate.expandDims(1)); // (N·K, C)
    NDArray byToken =
        weighted.get(new NDIndex("{}", manager.create(slotOfAssignment))); // token-major
    return byToken.reshape(routing.tokens(), topK, -1).sum(new int[] {1}); // (N, C)
  }

  /** Every expert on every token, weighted by the gates: the oracle of the sparse path. */
  private NDArray dense(NDArray tokens, Router.Routing routing) {
    NDArray out = null;
    for (int e = 0; e < expertCount; e++) {
      NDArray gate = routing.gates().get(new NDIndex(":, {}:{}", e, e + 1)); // (N, 1)
      NDArray contribution = experts.get(e).forward(tokens).mul(gate);
      out = out == null ? contribution : out.add(contribution);
    }
    return out;
  }

  Router router() {
    return router;
  }
}
