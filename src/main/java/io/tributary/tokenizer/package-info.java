/** Tokenizers: Hugging Face tokenizers and a character tokenizer for tiny models. */
package io.tributary.tokenizer;
