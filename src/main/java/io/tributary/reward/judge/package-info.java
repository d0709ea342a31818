/** LLM-as-judge rewards over an OpenAI-compatible chat completions endpoint. */
package io.tributary.reward.judge;
