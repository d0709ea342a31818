/**
 * Task data: prompt sets (GSM8K, generated arithmetic and countdown), their JSON Lines format, and
 * the verifiers of their answers.
 */
package io.tributary.tasks;
