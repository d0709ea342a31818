package io.tributary.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./tributary cluster status} prints, read from the JobManager's REST API.
 *
 * @param rest the JobManager's REST address
 * @param taskManagers each registered TaskManager
 * @param slotsTotal over all TaskManagers
 * @param slotsFree over all TaskManagers
 * @param runningJobs jobs that are not finished, failed or cancelled
 */
public record ClusterStatus(
    String rest,
    List<TaskManager> taskManagers,
    int slotsTotal,
    int slotsFree,
    List<Job> runningJobs) {

  public record TaskManager(String id, int slotsTotal, int slotsFree) {}

  public record Job(String id, String name, String state) {}

  public static ClusterStatus of(FlinkRestClient rest) {
    List<TaskManager> tms = new ArrayList<>();
    for (JsonNode tm : rest.taskManagers().path("taskmanagers")) {
      tms.add(
          new TaskManager(
              tm.path("id").asText(),
              tm.path("slotsNumber").asInt(),
              tm.path("freeSlots").asInt()));
    }
    List<Job> jobs = new ArrayList<>();
    for (JsonNode job : rest.jobs().path("jobs")) {
      String state = job.path("state").asText();
      if (!List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
        jobs.add(new Job(job.path("jid").asText(), job.path("name").asText(), state));
      }
    }
    return new ClusterStatus(
        rest.address(),
        tms,
        tms.stream().mapToInt(TaskManager::slotsTotal).sum(),
        tms.stream().mapToInt(TaskManager::slotsFree).sum(),
        jobs);
  }

  public String toJsonLine() {
    return Json.write(this);
  }
}
