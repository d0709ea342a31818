package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past positions, per layer. Buffers of (B, H, capacity, D) are allocated at the
 * first append and filled in place, so appending a step costs the step, not the whole past (a
 * concatenation per step would copy all S cached positions of every layer each time).
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;
  private int length;

  /** A cache for at most {@code capacity} positions. */
  public KvCache(NDManager parent, int layers, int capacity) {
    manager = parent.newSubManager();
    keys = new NDArray[layers];
    values = new NDArray[layers];
    this.capacity = capacity;
  }

  /**
   * Writes (B, H, T, D) keys and values of layer {@code layer} after the cached positions and
   * returns views of all S cached ones, (B, H, S, D). The last layer's append advances the length.
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    long[] shape = k.getShape().getShape();
    int t = (int) shape[2];
    if (length + t > capacity) {
      throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
    }
    if (keys[layer] == null) {
      long[] valueShape = v.getShape().getShape(); // MLA's rotary keys are narrower than latents
      Shape full = new Shape(shape[0], shape[1], capacity, shape[3]);
      Shape fullValues = new Shape(valueShape[0], valueShape[1], capacity, valueShape[3]);
      keys[layer] = manager.zeros(full, k.getDataType(), k.getDevice());
      values[layer] = manager.zeros(fullValues, v.getDataType(), v.getDevice());
    }
    NDIndex slot = new NDIndex(":, :, {}:{}, :", length, length + t);
    keys[layer].set(slot, k);
    values[layer].set(slot, v);
    NDIndex filled = new NDIndex(":, :, :{}, :", length + t);
    NDArray[] out = {
      keys[layer].get(k.getManager(), filled), values[layer].get(v.getManager(), filled)
    };
    if (layer == keys.length - 1) {
      length += t;
    }
    return out;
  }

  /**
   * Multi-head Latent Attention's cache: the (B, 1, T, R) latents and (B, 1, T, Dr) rotary keys of
   * layer {@code layer}, instead of expanded keys and values; returns all S cached ones.
   */
  NDArray[] appendLatent(int layer, NDArray latent, NDArray ropeKey) {
    return append(layer, latent, ropeKey);
  }

  /**
   * Values cached per position of one row in layer {@code layer}: keys and values of all key/value
   * heads, or MLA's latent and rotary key; 0 before the first append. Bytes = this · dtype width.
   */
  long valuesPerPosition(int layer) {
    if (keys[layer] == null) {
      return 0;
    }
    long[] k = keys[layer].getShape().getShape();
    long[] v = values[layer].getShape().getShape();
    return k[1] * k[3] + v[1] * v[3];
  }

  /** Cached positions S. */
  public int length() {
    return length;
  }

  @Override
  public void close() {
    manager.close();
  }
}
