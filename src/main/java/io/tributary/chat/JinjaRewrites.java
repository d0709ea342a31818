package io.tributary.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Two rewrites of a template's expressions, for Jinja syntax that Jinja2 accepts and Jinjava's
 * parser reads differently. Text outside {@code {{ }}} and {@code {% %}} is never touched.
 *
 * <ul>
 *   <li>{@code seq[::-1]} becomes {@code seq|reverse}: Jinjava's slices have no step (Qwen3 walks
 *       its messages backwards this way).
 *   <li>A keyword argument's value is parenthesised, {@code namespace(i=messages|length - 1)}
 *       becoming {@code namespace(i=(messages|length - 1))}: Jinjava would otherwise bind the
 *       filter and the subtraction to the whole {@code i=...} pair and fail.
 * </ul>
 */
final class JinjaRewrites {
  private JinjaRewrites() {}

  private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*\\]");
  private static final Pattern KEYWORD = Pattern.compile("^\\s*[A-Za-z_]\\w*\\s*=(?!=)");

  static String apply(String template) {
    StringBuilder out = new StringBuilder(template.length() + 16);
    int i = 0;
    while (i < template.length()) {
      int open = nextTagOpen(template, i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      out.append(template, i, open + 2);
      String close = template.charAt(open + 1) == '{' ? "}}" : "%}";
      int end = tagEnd(template, open + 2, close);
      String body = template.substring(open + 2, end);
      if (template.charAt(open + 1) == '%' && body.strip().startsWith("raw")) {
        int endRaw = template.indexOf("endraw", end);
        int resume = endRaw < 0 ? template.length() : template.indexOf("%}", endRaw);
        resume = resume < 0 ? template.length() : resume + 2;
        out.append(template, open + 2, resume);
        i = resume;
        continue;
      }
      out.append(rewriteExpression(body));
      i = end;
    }
    return out.toString();
  }

  private static int nextTagOpen(String s, int from) {
    int a = s.indexOf("{{", from);
    int b = s.indexOf("{%", from);
    if (a < 0) {
      return b;
    }
    return b < 0 ? a : Math.min(a, b);
  }

  /** The index of the closing delimiter, skipping quoted strings. */
  private static int tagEnd(String s, int from, String close) {
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (s.startsWith(close, i)) {
        return i;
      }
    }
    throw new IllegalArgumentException("chat template: a tag opened but not closed with " + close);
  }

  static String rewriteExpression(String body) {
    String reversed = replaceOutsideQuotes(body);
    return parenthesiseKeywordArguments(reversed);
  }

  private static String replaceOutsideQuotes(String body) {
    StringBuilder out = new StringBuilder();
    for (String[] piece : splitQuoted(body)) {
      out.append(
          piece[1] == null ? REVERSED_SLICE.matcher(piece[0]).replaceAll("|reverse") : piece[0]);
    }
    return out.toString();
  }

  /** Pieces of an expression: {text, null} outside quotes, {text, "q"} for a quoted literal. */
  private static List<String[]> splitQuoted(String body) {
    List<String[]> pieces = new ArrayList<>();
    int start = 0;
    char quote = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          pieces.add(new String[] {body.substring(start, i + 1), "q"});
          start = i + 1;
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        pieces.add(new String[] {body.substring(start, i), null});
        start = i;
        quote = c;
      }
    }
    pieces.add(new String[] {body.substring(start), quote == 0 ? null : "q"});
    return pieces;
  }

  /** In every call {@code f(a, k=v)}, wraps v in parentheses. */
  private static String parenthesiseKeywordArguments(String body) {
    StringBuilder out = new StringBuilder(body.length() + 8);
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipQuoted(body, i);
        out.append(body, i, end);
        i = end;
      } else if (c == '(' && i > 0 && isNameChar(body.charAt(i - 1))) {
        int close = matchingParen(body, i);
        if (close < 0) {
          out.append(body.substring(i));
          return out.toString();
        }
        out.append('(').append(rewriteArguments(body.substring(i + 1, close))).append(')');
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String rewriteArguments(String args) {
    List<String> parts = splitTopLevelCommas(args);
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < parts.size(); k++) {
      if (k > 0) {
        out.append(',');
      }
      String part = parenthesiseKeywordArguments(parts.get(k));
      var m = KEYWORD.matcher(part);
      if (m.find()) {
        String value = part.substring(m.end());
        out.append(part, 0, m.end()).append('(').append(value.strip()).append(')');
      } else {
        out.append(part);
      }
    }
    return out.toString();
  }

  private static List<String> splitTopLevelCommas(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(s, i) - 1;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static int matchingParen(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(s, i) - 1;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The index just past the quoted literal starting at {@code start}. */
  private static int skipQuoted(String s, int start) {
    char quote = s.charAt(start);
    for (int i = start + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    return s.length();
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
