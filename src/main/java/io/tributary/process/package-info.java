/**
 * Child JVMs on this program's own java and class path (the Kafka broker, the sides of {@code bench
 * pipeline}, reward plug-ins), which stop when their parent does.
 */
package io.tributary.process;
