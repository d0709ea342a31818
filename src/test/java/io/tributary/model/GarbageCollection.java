package io.tributary.model;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Frees now what an unlucky garbage collection would free between a forward and its backward: the
 * native memory of direct buffers that no Java object holds any more.
 */
public final class GarbageCollection {
  private GarbageCollection() {}

  /**
   * Collects until a canary reference is enqueued, twice. The JVM's reference handler runs the
   * cleaners found by one collection (those of direct buffers among them) before it looks at the
   * next collection's references, so the second canary arrives after every buffer unreachable at
   * the first collection has been freed.
   */
  public static void freeUnreachableBuffers() {
    for (int round = 0; round < 2; round++) {
      ReferenceQueue<Object> queue = new ReferenceQueue<>();
      WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
      try {
        do {
          System.gc();
        } while (queue.remove(50) == null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a collection", e);
      }
      Reference.reachabilityFence(canary);
    }
  }
}
