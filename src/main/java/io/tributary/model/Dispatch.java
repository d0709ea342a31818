package io.tributary.model;

/**
 * How routed experts are computed. SPARSE: each expert runs only on the tokens routed to it. DENSE:
 * every expert on every token, weighted by the (mostly zero) gates; the test oracle and the
 * benchmark's baseline.
 */
public enum Dispatch {
  SPARSE,
  DENSE
}
