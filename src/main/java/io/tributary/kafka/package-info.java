/**
 * Kafka plumbing: the embedded and child brokers, topics, clients and serdes, and the tail of the
 * scored-groups topic.
 */
package io.tributary.kafka;
