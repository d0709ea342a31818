#!/usr/bin/env bash
# Submits the rollout job to a running Flink 2.2 cluster.
#   pipeline/submit.sh CONFIG BOOTSTRAP_SERVERS POLICY_CHECKPOINT [extra `flink run` options...]
# CONFIG: a rollouts config (configs/rollouts.yaml) on a path the client can read;
# BOOTSTRAP_SERVERS: the Kafka cluster; POLICY_CHECKPOINT: the starting policy on storage every
# TaskManager can read (the policy store). Build the jar first: mvn -Pcluster package -DskipTests
# Not exercised by the tests on the build machines (see pipeline/README.md).
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 CONFIG BOOTSTRAP_SERVERS POLICY_CHECKPOINT [flink run options...]" >&2
  exit 2
fi
CONFIG="$1"; BOOTSTRAP="$2"; POLICY="$3"; shift 3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${JOB_JAR:-$ROOT/target/tributary-job.jar}"
[[ -f "$JAR" ]] || { echo "no job jar at $JAR; run: mvn -Pcluster package -DskipTests" >&2; exit 1; }
command -v flink >/dev/null || { echo "flink (Flink 2.2's bin/) is not on PATH" >&2; exit 1; }
exec flink run --detached "$@" \
  --class io.tributary.stream.RolloutJobMain "$JAR" \
  --config "$CONFIG" --bootstrap "$BOOTSTRAP" --policy-checkpoint "$POLICY"
