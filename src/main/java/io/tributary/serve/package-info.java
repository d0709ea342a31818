/** The OpenAI-compatible HTTP server over a policy: request parsing, batching, responses. */
package io.tributary.serve;
