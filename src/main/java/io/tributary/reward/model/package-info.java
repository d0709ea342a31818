/** Learned reward models: training them, their cards, and scoring rollouts with them. */
package io.tributary.reward.model;
