package io.tributary.hf;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Little-endian elements of a safetensors dtype, converted to float or long. */
final class ElementDecoder {
  private ElementDecoder() {}

  /** Appends every element of {@code window} (little-endian) to {@code target} as float. */
  static void decode(SafetensorsDtype dtype, ByteBuffer window, FloatBuffer target) {
    switch (dtype) {
      case F32 -> target.put(window.asFloatBuffer());
      case BF16 -> decodeHalves(window.asShortBuffer(), target, HalfPrecision::bf16ToFloat);
      case F16 -> decodeHalves(window.asShortBuffer(), target, HalfPrecision::f16ToFloat);
      case F64 -> {
        var doubles = window.asDoubleBuffer();
        while (doubles.hasRemaining()) {
          target.put((float) doubles.get());
        }
      }
      case I64 -> {
        var longs = window.asLongBuffer();
        while (longs.hasRemaining()) {
          target.put((float) longs.get());
        }
      }
      case I32 -> {
        var ints = window.asIntBuffer();
        while (ints.hasRemaining()) {
          target.put((float) ints.get());
        }
      }
      case I16 -> {
        ShortBuffer shorts = window.asShortBuffer();
        while (shorts.hasRemaining()) {
          target.put(shorts.get());
        }
      }
      case I8 -> {
        while (window.hasRemaining()) {
          target.put(window.get());
        }
      }
      case U8, BOOL -> {
        while (window.hasRemaining()) {
          target.put(window.get() & 0xFF);
        }
      }
    }
  }

  /**
   * Writes the integer elements of {@code window} into {@code out} from {@code at}; returns the
   * next index.
   */
  static int decodeIntegers(SafetensorsDtype dtype, ByteBuffer window, long[] out, int at) {
    int i = at;
    switch (dtype) {
      case I64 -> {
        var longs = window.asLongBuffer();
        while (longs.hasRemaining()) {
          out[i++] = longs.get();
        }
      }
      case I32 -> {
        var ints = window.asIntBuffer();
        while (ints.hasRemaining()) {
          out[i++] = ints.get();
        }
      }
      case I16 -> {
        ShortBuffer shorts = window.asShortBuffer();
        while (shorts.hasRemaining()) {
          out[i++] = shorts.get();
        }
      }
      case I8 -> {
        while (window.hasRemaining()) {
          out[i++] = window.get();
        }
      }
      case U8, BOOL -> {
        while (window.hasRemaining()) {
          out[i++] = window.get() & 0xFF;
        }
      }
      default -> throw new IllegalArgumentException(dtype + " is not an integer dtype");
    }
    return i;
  }

  /** The 16-bit floats' widening: bfloat16 and IEEE half differ only in where the bits go. */
  private interface HalfToFloat {
    float widen(short bits);
  }

  private static void decodeHalves(ShortBuffer halves, FloatBuffer target, HalfToFloat widen) {
    if (target.hasArray()) {
      // straight into the array: a put per element costs a bounds and position update each
      float[] out = target.array();
      int at = target.arrayOffset() + target.position();
      int n = halves.remaining();
      for (int i = 0; i < n; i++) {
        out[at + i] = widen.widen(halves.get(i));
      }
      target.position(target.position() + n);
    } else {
      while (halves.hasRemaining()) {
        target.put(widen.widen(halves.get()));
      }
    }
  }
}
