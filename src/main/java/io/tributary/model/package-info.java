/**
 * The policy: a DeepSeek-V3/DeepSeekMoE-style decoder-only transformer as DJL blocks.
 *
 * <p>Shape glossary used in comments: B batch, T query positions, S key positions (cache included),
 * C model width ({@code dim}), H heads, D head width (C / H), V vocabulary, N tokens in a flattened
 * batch (B·T), E routed experts, K experts chosen per token (top-k), F expert hidden width.
 *
 * <p>NDArray lifetimes: every op uses the activation as its receiver, so results land in the
 * caller's per-step manager and never in the model's manager (docs/engineering-notes.md, "NDArray
 * lifetimes").
 */
package io.tributary.model;
