/**
 * The commands of {@code ./tributary}: each parses its arguments and delegates; nothing else
 * depends on this package.
 */
package io.tributary.cli;
