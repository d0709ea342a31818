/**
 * YAML binding of the immutable config records (unknown keys are errors) and the error that names
 * the bad key and value.
 */
package io.tributary.config;
