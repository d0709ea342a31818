#!/usr/bin/env bash
# Submits the rollout job to a running Flink 2.2 session cluster through its REST API: uploads the
# shaded job jar (POST /jars/upload), then runs it with the job's arguments (POST /jars/:id/run).
#   pipeline/submit.sh CONFIG BOOTSTRAP_SERVERS POLICY_CHECKPOINT [SAVEPOINT]
# CONFIG: a rollouts config (configs/rollouts.yaml) at a path the JobManager can read (the job's
# main runs there); BOOTSTRAP_SERVERS: the Kafka cluster; POLICY_CHECKPOINT: the starting policy on
# storage every TaskManager can read (the policy store); SAVEPOINT: a savepoint to resume from.
# Environment: FLINK_REST (default http://127.0.0.1:8081, or the address of ./tributary cluster's
# CLUSTER_DIR/rest.address when CLUSTER_DIR is set), JOB_JAR (default target/tributary-job.jar,
# built by: mvn -Pcluster package -DskipTests), LEARNER_CONFIG (the learner's run config, at a path
# the JobManager can read: a job whose sampling section differs from its grpo.sampling is refused at
# submission, with both values). Prints the job id. Needs curl.
# The jar carries libtorch's natives (over 100 MiB): the cluster's rest.server.max-content-length
# must allow it (./tributary cluster sets 512 MiB; Flink's default is 100 MiB).
set -euo pipefail
if [[ $# -lt 3 || $# -gt 4 ]]; then
  echo "usage: $0 CONFIG BOOTSTRAP_SERVERS POLICY_CHECKPOINT [SAVEPOINT]" >&2
  exit 2
fi
CONFIG="$(realpath "$1")"; BOOTSTRAP="$2"; POLICY="$3"; SAVEPOINT="${4:-}"
LEARNER="${LEARNER_CONFIG:+$(realpath "$LEARNER_CONFIG")}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${JOB_JAR:-$ROOT/target/tributary-job.jar}"
if [[ -n "${CLUSTER_DIR:-}" ]]; then
  REST="$(cat "$CLUSTER_DIR/rest.address")"
else
  REST="${FLINK_REST:-http://127.0.0.1:8081}"
fi
[[ -f "$JAR" ]] || { echo "no job jar at $JAR; run: mvn -Pcluster package -DskipTests" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not on PATH" >&2; exit 1; }
for value in "$CONFIG" "$BOOTSTRAP" "$POLICY" "$SAVEPOINT" "$LEARNER"; do
  # the arguments go into a JSON body as they are
  [[ "$value" != *[\"\\]* ]] || { echo "an argument holds a quote or a backslash: $value" >&2; exit 2; }
done

upload="$(curl -sS --fail-with-body -X POST -F "jarfile=@$JAR;type=application/x-java-archive" \
  "$REST/jars/upload")" || { echo "upload to $REST failed: $upload" >&2; exit 1; }
# {"filename":"/.../<id>_tributary-job.jar","status":"success"}: the jar id is the file's name
jar_id="$(sed -n 's|.*"filename" *: *"[^"]*/\([^"/]*\)".*|\1|p' <<<"$upload")"
[[ -n "$jar_id" ]] || { echo "unexpected upload answer from $REST: $upload" >&2; exit 1; }

body="{\"entryClass\":\"io.tributary.rollout.RolloutJobMain\",\"programArgsList\":[\"--config\",\"$CONFIG\",\"--bootstrap\",\"$BOOTSTRAP\",\"--policy-checkpoint\",\"$POLICY\""
[[ -z "$LEARNER" ]] || body+=",\"--learner-config\",\"$LEARNER\""
body+="]"
[[ -z "$SAVEPOINT" ]] || body+=",\"savepointPath\":\"$SAVEPOINT\",\"allowNonRestoredState\":false"
body+="}"
run="$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "$body" \
  "$REST/jars/$jar_id/run")" || { echo "run of jar $jar_id failed: $run" >&2; exit 1; }
job_id="$(sed -n 's|.*"jobid" *: *"\([0-9a-f]*\)".*|\1|p' <<<"$run")"
[[ -n "$job_id" ]] || { echo "unexpected run answer from $REST: $run" >&2; exit 1; }
echo "$job_id"
