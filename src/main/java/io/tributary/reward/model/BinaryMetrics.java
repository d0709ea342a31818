package io.tributary.reward.model;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Held-out quality of a binary scorer. AUC is the probability that a random positive outscores a
 * random negative, ties counting one half (the Mann-Whitney U statistic, Hanley &amp; McNeil 1982);
 * accuracy thresholds the probability at 0.5.
 *
 * @param auc area under the ROC curve, NaN when one class is absent
 * @param accuracy fraction classified right at threshold 0.5
 * @param positiveRate fraction of positive labels (the accuracy of always guessing the majority is
 *     max(positiveRate, 1 - positiveRate))
 */
public record BinaryMetrics(int samples, double auc, double accuracy, double positiveRate) {

  /** {@code scores} are probabilities in [0, 1]; {@code labels} 0 or 1. */
  public static BinaryMetrics of(float[] scores, int[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels: got " + scores.length + " and " + labels.length);
    }
    int n = scores.length;
    int positives = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      positives += labels[i];
      correct += (scores[i] >= 0.5f) == (labels[i] == 1) ? 1 : 0;
    }
    return new BinaryMetrics(
        n,
        auc(scores, labels, positives),
        n == 0 ? Double.NaN : correct / (double) n,
        n == 0 ? Double.NaN : positives / (double) n);
  }

  private static double auc(float[] scores, int[] labels, int positives) {
    int n = scores.length;
    int negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSumPositives = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && scores[order[j]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
      for (int k = i; k < j; k++) {
        rankSumPositives += labels[order[k]] == 1 ? averageRank : 0;
      }
      i = j;
    }
    double u = rankSumPositives - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }
}
