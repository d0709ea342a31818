package io.tributary.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-forward state of the MoE layers: how to dispatch, whether loads count (training), which
 * tokens are padding, the sum of the sequence-wise balance losses of all MoE layers, and, when
 * asked for, the experts each layer chose (recording) or must use (routing replay).
 */
public final class RoutingContext {
  private final Dispatch dispatch;
  private final boolean training;
  private final boolean[] validTokens; // (B·T), null = all valid
  private NDArray balanceLoss;
  private int[][] routes; // (L)(N·K) experts chosen by each MoE layer; null = not recording
  private ReplayedRoutes replayed; // null = every position routes freely

  public RoutingContext(Dispatch dispatch, boolean training, boolean[] validTokens) {
    this.dispatch = dispatch;
    this.training = training;
    this.validTokens = validTokens;
  }

  public static RoutingContext inference() {
    return new RoutingContext(Dispatch.SPARSE, false, null);
  }

  public static RoutingContext training(boolean[] validTokens) {
    return new RoutingContext(Dispatch.SPARSE, true, validTokens);
  }

  public Dispatch dispatch() {
    return dispatch;
  }

  public boolean training() {
    return training;
  }

  boolean isValid(int token) {
    return validTokens == null || validTokens[token];
  }

  boolean[] validTokens() {
    return validTokens;
  }

  /**
   * Keeps the experts each of the {@code moeLayers} MoE layers chooses in the next forward; costs a
   * copy of K ints per position and layer, as the choice is made on the host anyway.
   */
  public RoutingContext recordingRoutes(int moeLayers) {
    routes = new int[moeLayers][];
    return this;
  }

  /** Makes the MoE layers use {@code routes} where they give experts (null: route freely). */
  public RoutingContext replaying(ReplayedRoutes routes) {
    this.replayed = routes;
    return this;
  }

  /**
   * The (N·K) experts MoE layer {@code moeLayer} chose for the N = B·T positions of the last
   * forward, token-major, replayed ones included.
   */
  public int[] routes(int moeLayer) {
    if (routes == null || routes[moeLayer] == null) {
      throw new IllegalStateException(
          "MoE layer " + moeLayer + " recorded no routes: call recordingRoutes before the forward");
    }
    return routes[moeLayer];
  }

  void record(int moeLayer, int[] chosen) {
    if (routes != null) {
      routes[moeLayer] = chosen;
    }
  }

  /** The experts MoE layer {@code moeLayer} must use for N positions, or null to choose freely. */
  int[] replayedRoutes(int moeLayer, int positions) {
    if (replayed == null) {
      return null;
    }
    if (replayed.positions() != positions) {
      throw new IllegalArgumentException(
          "replayed routes cover "
              + replayed.positions()
              + " positions, the forward has "
              + positions);
    }
    return replayed.layer(moeLayer);
  }

  void addBalanceLoss(NDArray loss) {
    balanceLoss = balanceLoss == null ? loss : balanceLoss.add(loss);
  }

  /** The α-weighted sequence-wise balance loss summed over MoE layers, or null when off. */
  public NDArray balanceLoss() {
    return balanceLoss;
  }
}
