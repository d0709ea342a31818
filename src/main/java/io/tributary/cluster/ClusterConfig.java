package io.tributary.cluster;

import io.tributary.config.ConfigException;

/**
 * The shape of a session cluster: how many TaskManagers with how many slots, the ports and the
 * memory of each process.
 *
 * @param taskManagers TaskManager JVMs, at least 1
 * @param slotsPerTaskManager task slots of each
 * @param restPort the JobManager's REST port on 127.0.0.1; 0 picks a free one
 * @param jobManagerMemory Flink's {@code jobmanager.memory.process.size}, e.g. {@code 1024m}
 * @param taskManagerMemory Flink's {@code taskmanager.memory.process.size}; libtorch's native
 *     memory comes on top (Flink does not count it)
 */
public record ClusterConfig(
    int taskManagers,
    int slotsPerTaskManager,
    int restPort,
    String jobManagerMemory,
    String taskManagerMemory) {

  public static final String DEFAULT_JOB_MANAGER_MEMORY = "1024m";
  public static final String DEFAULT_TASK_MANAGER_MEMORY = "1024m";

  public ClusterConfig {
    if (taskManagers < 1) {
      throw ConfigException.badValue("--task-managers", taskManagers, "a number >= 1");
    }
    if (slotsPerTaskManager < 1) {
      throw ConfigException.badValue("--slots", slotsPerTaskManager, "a number >= 1");
    }
    if (restPort < 0 || restPort > 65535) {
      throw ConfigException.badValue("--rest-port", restPort, "a port in [0, 65535]");
    }
    jobManagerMemory = jobManagerMemory == null ? DEFAULT_JOB_MANAGER_MEMORY : jobManagerMemory;
    taskManagerMemory = taskManagerMemory == null ? DEFAULT_TASK_MANAGER_MEMORY : taskManagerMemory;
  }

  public static ClusterConfig of(int taskManagers, int slotsPerTaskManager) {
    return new ClusterConfig(taskManagers, slotsPerTaskManager, 0, null, null);
  }

  public int totalSlots() {
    return taskManagers * slotsPerTaskManager;
  }
}
