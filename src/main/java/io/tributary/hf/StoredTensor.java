package io.tributary.hf;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A tensor of a checkpoint, not yet read: its name, dtype and shape, and the reads that bring its
 * data in (one tensor at a time, so a loader holds at most one of them besides the model).
 */
public record StoredTensor(SafetensorsFile file, SafetensorsEntry entry) {
  public String name() {
    return entry.name();
  }

  public SafetensorsDtype dtype() {
    return entry.dtype();
  }

  public List<Long> shape() {
    return entry.shape();
  }

  public long[] shapeArray() {
    return entry.shapeArray();
  }

  public long elementCount() {
    return entry.elementCount();
  }

  public long byteSize() {
    return entry.byteSize();
  }

  public float[] readFloats() {
    return file.readFloats(entry);
  }

  public void readFloats(FloatBuffer target) {
    file.readFloats(entry, target);
  }

  public void readBytes(ByteBuffer target) {
    file.readBytes(entry, target);
  }

  public long[] readLongs() {
    return file.readLongs(entry);
  }

  /** "model-00001-of-00002.safetensors: tensor 'x'", for messages about this tensor. */
  public String where() {
    return file.path() + ": tensor '" + entry.name() + "'";
  }

  @Override
  public String toString() {
    return where() + " " + entry.dtype() + entry.shape();
  }
}
