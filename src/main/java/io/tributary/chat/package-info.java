/** Chat templates: a Jinja subset for Hugging Face templates and the prompt formats built on it. */
package io.tributary.chat;
