package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

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
   * Writes the key and value (Hkv·D each, head-major) of one new position of a one-row cache into
   * layer {@code layer}'s buffers in place, as {@link #append} would, and returns the positions S
   * now cached for that layer: a decode step in Java (see {@link DecodeAttention}). The buffers
   * exist once a first append (the prefill) has made them.
   */
  int appendOne(int layer, float[] k, float[] v) {
    if (length + 1 > capacity) {
      throw new IllegalStateException("KV cache full: " + length + " + 1 > " + capacity);
    }
    ByteBuffer keyMemory = memory(keys, layer);
    ByteBuffer valueMemory = memory(values, layer);
    long[] shape = keys[layer].getShape().getShape(); // (1, Hkv, capacity, D)
    int heads = (int) shape[1];
    int d = (int) shape[3];
    if (shape[0] != 1 || k.length != heads * d || v.length != heads * d) {
      throw new IllegalArgumentException(
          "KV cache of shape "
              + keys[layer].getShape()
              + ": one position of one row needs "
              + heads * d
              + " keys and values, got "
              + k.length
              + " and "
              + v.length);
    }
    for (int h = 0; h < heads; h++) {
      int at = (h * capacity + length) * d;
      keyMemory.asFloatBuffer().put(at, k, h * d, d);
      valueMemory.asFloatBuffer().put(at, v, h * d, d);
    }
    int s = length + 1;
    if (layer == keys.length - 1) {
      length = s;
    }
    return s;
  }

  /**
   * Layer {@code layer}'s keys, (1, Hkv, capacity, D), as native memory: see {@link #appendOne}.
   */
  ByteBuffer keyMemory(int layer) {
    return memory(keys, layer);
  }

  /** Layer {@code layer}'s values, as {@link #keyMemory}. */
  ByteBuffer valueMemory(int layer) {
    return memory(values, layer);
  }

  int capacity() {
    return capacity;
  }

  private static ByteBuffer memory(NDArray[] buffers, int layer) {
    ByteBuffer memory = buffers[layer] == null ? null : DecodeProduct.memory(buffers[layer]);
    if (memory == null) {
      throw new IllegalStateException(
          "KV cache layer " + layer + ": no float32 CPU buffer to decode into in Java");
    }
    return memory;
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
