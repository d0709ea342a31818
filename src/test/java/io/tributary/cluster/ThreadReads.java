package io.tributary.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Bytes a process's threads have read through read(2) so far, from Linux's per-thread {@code
 * /proc/PID/task/TID/io} ({@code rchar}: page-cache hits included, as a shared store's reads are).
 * A Flink task's records reach its thread in memory, so its {@code rchar} counts the files it reads
 * itself: for the generation task, the policy checkpoints it loads.
 */
final class ThreadReads {
  private ThreadReads() {}

  /** The summed {@code rchar} of the threads of {@code pid} whose name starts with {@code name}. */
  static long of(long pid, String name) throws IOException {
    long total = 0;
    boolean found = false;
    List<String> seen = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String comm;
        List<String> io;
        try {
          comm = Files.readString(task.resolve("comm")).strip();
          io = Files.readAllLines(task.resolve("io"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        seen.add(comm);
        // Linux keeps 15 bytes of a thread's name
        if (comm.startsWith(name.substring(0, Math.min(15, name.length())))) {
          total +=
              io.stream()
                  .filter(line -> line.startsWith("rchar:"))
                  .mapToLong(line -> Long.parseLong(line.substring(6).strip()))
                  .sum();
          found = true;
        }
      }
    }
    if (!found) {
      throw new IllegalStateException(
          "no thread named " + name + "* in process " + pid + ": " + seen);
    }
    return total;
  }
}
