package io.tributary.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op threads for the calling thread. With OpenMP, libtorch keeps the count per
 * thread: a thread takes the process-wide value the first time it runs an op and keeps it after. So
 * a thread that samples token by token (many small ops, where waking a second worker costs more
 * than it saves: docs/engineering-notes.md, "Intra-op threads") can run on one thread while the
 * learner's large matmuls use several. Setting also changes the value that threads starting later
 * inherit, so every thread doing torch work in one JVM should set its own.
 */
public final class IntraOpThreads {
  private IntraOpThreads() {}

  /** Sets the calling thread's count; a no-op on other engines. */
  public static void setForThisThread(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: got " + threads + ", expected 1 or more");
    }
    if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
      return;
    }
    // the first call on a thread initialises its count from the process-wide value; do that
    // first, or it would later overwrite what is set here
    JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
  }
}
