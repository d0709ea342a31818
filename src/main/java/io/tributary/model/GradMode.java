package io.tributary.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd recording is per thread in libtorch (docs/engineering-notes.md, "Grad mode is per
 * thread"): a thread other than the one that loaded the engine records graphs until told otherwise.
 * {@code try (var g = GradMode.disabled()) {...}} turns recording off on the current thread and
 * restores it after.
 */
public final class GradMode implements AutoCloseable {
  private final boolean previous;
  private final boolean pytorch;

  private GradMode(boolean enabled) {
    pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
    previous = !pytorch || JniUtils.isGradMode();
    if (pytorch) {
      JniUtils.setGradMode(enabled);
    }
  }

  public static GradMode disabled() {
    return new GradMode(false);
  }

  public static GradMode enabled() {
    return new GradMode(true);
  }

  public static boolean isEnabled() {
    return !"PyTorch".equals(Engine.getInstance().getEngineName()) || JniUtils.isGradMode();
  }

  @Override
  public void close() {
    if (pytorch) {
      JniUtils.setGradMode(previous);
    }
  }
}
