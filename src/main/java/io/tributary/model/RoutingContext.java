package io.tributary.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-forward state of the MoE layers: how to dispatch, whether loads count (training), which
 * tokens are padding, and the sum of the sequence-wise balance losses of all MoE layers.
 */
public final class RoutingContext {
  private final Dispatch dispatch;
  private final boolean training;
  private final boolean[] validTokens; // (B·T), null = all valid
  private NDArray balanceLoss;

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

  void addBalanceLoss(NDArray loss) {
    balanceLoss = balanceLoss == null ? loss : balanceLoss.add(loss);
  }

  /** The α-weighted sequence-wise balance loss summed over MoE layers, or null when off. */
  public NDArray balanceLoss() {
    return balanceLoss;
  }
}
