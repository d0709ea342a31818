/** Rule-based rewards: accuracy, format, length, repetition, countdown and cosine rewards. */
package io.tributary.reward.rules;
