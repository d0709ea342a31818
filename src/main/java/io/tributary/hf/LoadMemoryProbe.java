package io.tributary.hf;

import io.tributary.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures resident memory while a checkpoint is read tensor by tensor into float arrays, the way a
 * loader fills a float32 model, against the size of those arrays (the final model). Not a test: run
 * it by hand, in two JVMs so that writing does not count towards reading's peak:
 *
 * <pre>
 * java -cp CP io.tributary.hf.LoadMemoryProbe write DIR   # Qwen3-0.6B shape, BF16, ~1.2 GB
 * java -Xmx3g -cp CP io.tributary.hf.LoadMemoryProbe read DIR
 * </pre>
 *
 * Prints one JSON object: resident memory before loading, its peak while loading (VmHWM, the
 * kernel's own high-water mark), the largest file-backed part seen (mapped checkpoint pages) and
 * the ratio of the peak to the model's size.
 */
public final class LoadMemoryProbe {
  private LoadMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[0].equals("write") || args[0].equals("read"))) {
      System.err.println("usage: LoadMemoryProbe (write|read) DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    if (args[0].equals("write")) {
      long start = System.nanoTime();
      List<Path> files =
          RandomCheckpoint.write(
              dir,
              RandomCheckpoint.qwen3_0_6b(),
              SafetensorsDtype.BF16,
              7,
              HfCheckpointWriter.DEFAULT_SHARD_LIMIT_BYTES);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("files", files.stream().map(Path::toString).toList());
      r.put("bytes", files.stream().mapToLong(LoadMemoryProbe::size).sum());
      r.put("write_s", (System.nanoTime() - start) / 1e9);
      System.out.println(Json.write(r));
      return;
    }
    System.out.println(Json.write(read(dir)));
  }

  static Map<String, Object> read(Path dir) throws InterruptedException {
    System.gc();
    long baselineKb = status("VmRSS");
    Sampler sampler = new Sampler();
    Thread thread = new Thread(sampler, "rss-sampler");
    thread.setDaemon(true);
    thread.start();
    long start = System.nanoTime();
    List<float[]> model = new ArrayList<>();
    long parameters = 0;
    try (HfCheckpoint checkpoint = HfCheckpoint.open(dir)) {
      checkpoint.checkTensors();
      for (StoredTensor tensor : checkpoint.tensors()) {
        float[] values = tensor.readFloats();
        model.add(values);
        parameters += values.length;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    sampler.stop = true;
    thread.join();
    long peakKb = status("VmHWM");
    long modelKb = parameters * 4 / 1024;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("parameters", parameters);
    r.put("tensors", model.size());
    r.put("model_float32_mb", modelKb / 1024.0);
    r.put("load_s", seconds);
    r.put("rss_before_mb", baselineKb / 1024.0);
    r.put("rss_peak_mb", peakKb / 1024.0);
    r.put("rss_after_mb", status("VmRSS") / 1024.0);
    r.put("rss_file_max_mb", sampler.maxFileKb / 1024.0);
    r.put("peak_over_model", (double) peakKb / modelKb);
    r.put("peak_minus_before_over_model", (double) (peakKb - baselineKb) / modelKb);
    r.put("unmap_immediately", Unmapper.available());
    return r;
  }

  private static final class Sampler implements Runnable {
    volatile boolean stop;
    volatile long maxFileKb;

    @Override
    public void run() {
      while (!stop) {
        maxFileKb = Math.max(maxFileKb, status("RssFile"));
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** A kB figure of /proc/self/status (Linux); -1 where there is none. */
  static long status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
