/**
 * A Flink standalone session cluster assembled from Flink's Maven Central parts: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) as
 * separate JVMs on loopback, each with its own {@code config.yaml}, logs and working directory, and
 * the rollout job's shaded jar submitted through Flink's REST API as users submit it. The cluster's
 * class path is Flink's and DJL's, never the job's ({@link ClusterClassPath}).
 */
package io.tributary.cluster;
