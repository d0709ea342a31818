package io.tributary.reward.math;

/** How an answer was read: by which mode, the text it took, and what that text parsed to. */
public record Extraction(ExtractionMode mode, String span, MathExpr answer) {}
