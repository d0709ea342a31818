/**
 * Reward functions: the plug-in interfaces, the registry and weighted combination, and the scorer
 * that runs them with time limits.
 */
package io.tributary.reward;
