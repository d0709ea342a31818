package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of past positions, per layer, each (B, H, S, D). Owns its arrays in its own
 * manager; appending closes the arrays it replaces, so memory grows linearly with S.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  public KvCache(NDManager parent, int layers) {
    manager = parent.newSubManager();
    keys = new NDArray[layers];
    values = new NDArray[layers];
  }

  /** Appends (B, H, T, D) keys and values of layer {@code layer}; returns the full (B, H, S, D). */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    keys[layer] = extend(keys[layer], k);
    values[layer] = extend(values[layer], v);
    return new NDArray[] {keys[layer], values[layer]};
  }

  private NDArray extend(NDArray past, NDArray now) {
    NDArray next = past == null ? now.duplicate() : NDArrays.concat(new NDList(past, now), 2);
    next.attach(manager);
    if (past != null) {
      past.close();
    }
    return next;
  }

  /** Cached positions S. */
  public int length() {
    return keys[0] == null ? 0 : (int) keys[0].getShape().get(2);
  }

  @Override
  public void close() {
    manager.close();
  }
}
