package io.tributary.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tributary.hf.HfCheckpointWriter;
import io.tributary.hf.HfConfig;
import io.tributary.hf.HfImport;
import io.tributary.hf.RandomCheckpoint;
import io.tributary.hf.SafetensorsDtype;
import io.tributary.model.PolicyModel;
import io.tributary.model.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * A Hugging Face directory read through the importer, with what the load cost: seconds, and the
 * process's resident memory before, at its peak during and after the load. The peak over the
 * model's own bytes says how much the loader holds beside the parameters it fills (the issue asks
 * for at most 1.3 times the model).
 */
final class CheckpointLoad {
  private static final double MIB = 1 << 20;

  private CheckpointLoad() {}

  /** The policy in {@code dir}, stored in {@code precision}; its figures go into {@code report}. */
  static PolicyModel load(
      Path dir, Precision precision, Map<String, Object> report, PrintStream out) {
    out.println("loading " + dir + " ...");
    // the engine's native libraries load on first use: their time and memory are not the loader's
    try (NDManager warm = NDManager.newBaseManager()) {
      warm.zeros(new Shape(1)).close();
    }
    System.gc(); // nor is garbage the JVM still holds from before
    RssPeak peak = RssPeak.start();
    long start = System.nanoTime();
    PolicyModel model;
    try {
      model = HfImport.load(dir, null, precision);
    } finally {
      peak.close();
    }
    report.put("load_seconds", (System.nanoTime() - start) / 1e9);
    double modelMb = parameterBytes(model) / MIB;
    report.put("model_mb", modelMb);
    report.put("load_rss_before_mb", peak.startMb());
    report.put("load_peak_rss_mb", peak.peakMb());
    report.put("load_rss_after_mb", Measure.rssMb());
    report.put("load_peak_over_model", (peak.peakMb() - peak.startMb()) / modelMb);
    report.put("load_peak_rss_exact", peak.exact());
    return model;
  }

  /**
   * Writes a random BF16 checkpoint of {@code config} into a new directory under {@code parent},
   * loads it, and deletes the directory whatever happens.
   */
  static PolicyModel generateAndLoad(
      HfConfig config,
      Path parent,
      Precision precision,
      Map<String, Object> report,
      PrintStream out) {
    Path dir;
    try {
      dir = Files.createTempDirectory(parent, "tributary-bench-checkpoint-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a checkpoint directory in " + parent, e);
    }
    try {
      out.println("writing a random BF16 checkpoint to " + dir + " ...");
      report.put(
          "generate_seconds",
          Measure.seconds(
              () ->
                  RandomCheckpoint.write(
                      dir,
                      config,
                      SafetensorsDtype.BF16,
                      7,
                      HfCheckpointWriter.DEFAULT_SHARD_LIMIT_BYTES)));
      report.put("checkpoint_mb", directoryBytes(dir) / MIB);
      return load(dir, precision, report, out);
    } finally {
      deleteDirectory(dir);
    }
  }

  private static long parameterBytes(PolicyModel model) {
    long bytes = 0;
    for (var p : model.parameters()) {
      NDArray a = p.getValue().getArray();
      bytes += a.size() * a.getDataType().getNumOfBytes();
    }
    return bytes;
  }

  private static long directoryBytes(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      long bytes = 0;
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static void deleteDirectory(Path dir) {
    try {
      PathUtils.deleteDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the generated checkpoint " + dir, e);
    }
  }
}
