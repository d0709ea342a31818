/**
 * The one configured Jackson mapper that Kafka messages, Flink elements, run logs and files share.
 */
package io.tributary.json;
