package io.tributary.hf;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Releases a mapping as soon as its tensor has been read. The pages of a mapping count towards
 * resident memory until it is unmapped, and the JVM unmaps only when the collector reaches the
 * buffer, which while loading a model can be after the whole file has been touched: that would put
 * the file's size on top of the model's. {@code sun.misc.Unsafe.invokeCleaner} (jdk.unsupported,
 * open without flags) unmaps now; where it is missing the collector still does it later.
 */
final class Unmapper {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method invokeCleaner = null;
    try {
      Class<?> type = Class.forName("sun.misc.Unsafe");
      Field field = type.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsafe = null;
      invokeCleaner = null;
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = invokeCleaner;
  }

  private Unmapper() {}

  /** Unmaps {@code buffer}; it must not be used afterwards (no view of it may escape). */
  static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException e) {
      // the collector unmaps it later; memory is only held longer
    }
  }

  static boolean available() {
    return INVOKE_CLEANER != null;
  }
}
