package io.tributary.kafka;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The settings of a one-node KRaft cluster (combined broker and controller) on loopback. A single
 * node needs replication factor 1 and min ISR 1 for the internal topics, otherwise InitProducerId
 * of a transactional producer times out and group consumers read nothing
 * (docs/engineering-notes.md, "A single-node broker").
 */
final class BrokerProperties {
  static final String HOST = "127.0.0.1";

  /** Above any sink's transaction.timeout.ms (Flink's default is 1 h); the broker caps it. */
  static final long MAX_TRANSACTION_TIMEOUT_MS = 3_600_000L;

  private BrokerProperties() {}

  static Properties singleNode(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toAbsolutePath().toString());

    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("transaction.max.timeout.ms", Long.toString(MAX_TRANSACTION_TIMEOUT_MS));
    // one partition per internal topic: one node needs no spread, and creating the default 50
    // on first use delays the first consumer group and the first transaction
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // topics are created by TopicAdmin with the configured partitions; a typo must not
    // silently create an empty topic that a reader then waits on forever
    p.setProperty("auto.create.topics.enable", "false");
    // a laptop-sized broker: the defaults (8 I/O threads, 10 background) suit a server
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("log.cleaner.threads", "1");
    return p;
  }
}
