/**
 * The MoE stability experiment ({@code ./tributary experiment}): a matrix of learner settings and
 * seeds, each a closed-loop run from one shared SFT cold start, its collapse rule and its report.
 * It sits above {@code run}, whose runs it drives and whose logs it reads.
 */
package io.tributary.stability;
