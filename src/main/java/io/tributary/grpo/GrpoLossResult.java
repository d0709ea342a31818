package io.tributary.grpo;

import ai.djl.ndarray.NDArray;

/**
 * @param loss the scalar loss, (), attached to the manager of {@code logp} and carrying its graph
 * @param statistics plain-Java diagnostics, no native memory
 */
public record GrpoLossResult(NDArray loss, GrpoLossStatistics statistics) {}
