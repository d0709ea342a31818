package io.tributary.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.tributary.config.ConfigException;

/** Where the model runs: {@code auto} takes the first GPU when the engine sees one. */
public enum DeviceChoice {
  AUTO,
  CPU,
  GPU;

  public Device resolve() {
    int gpus = Engine.getInstance().getGpuCount();
    return switch (this) {
      case CPU -> Device.cpu();
      case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new ConfigException(
              "device: got 'gpu', but the PyTorch engine sees no GPU (this build bundles the CPU"
                  + " natives; see README, 'Running on a CUDA machine')");
        }
        yield Device.gpu();
      }
    };
  }
}
