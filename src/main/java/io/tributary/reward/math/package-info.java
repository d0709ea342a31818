/** Mathematical answer checking: extraction of the final answer and equivalence of expressions. */
package io.tributary.reward.math;
