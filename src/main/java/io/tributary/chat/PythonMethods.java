package io.tributary.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} and {@code dict} methods that chat templates call ({@code
 * content.startswith('<tool_response>')}, {@code content.split('</think>')[-1].lstrip('\n')},
 * {@code arguments.items()}), with Python's semantics. Jinjava would otherwise call the Java
 * methods of the same name, where they exist at all, and Java's {@code split} takes a regex and
 * drops trailing empty strings, which changes what Qwen3's template keeps of a {@code <think>}
 * block. Methods not listed here fall through to Jinjava's own resolver.
 */
final class PythonMethods extends ELResolver {

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (!(method instanceof String name)) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result;
    if (base instanceof String s) {
      result = stringMethod(s, name, args);
    } else if (base instanceof Map<?, ?> m) {
      result = mapMethod(m, name, args);
    } else {
      return null;
    }
    if (result == NOT_HANDLED) {
      return null;
    }
    context.setPropertyResolved(true);
    return result;
  }

  private static final Object NOT_HANDLED = new Object();

  private static Object stringMethod(String s, String name, Object[] args) {
    switch (name) {
      case "startswith":
        return s.startsWith(str(args, 0, name));
      case "endswith":
        return s.endsWith(str(args, 0, name));
      case "strip":
        return rstrip(lstrip(s, chars(args)), chars(args));
      case "lstrip":
        return lstrip(s, chars(args));
      case "rstrip":
        return rstrip(s, chars(args));
      case "split":
        return split(s, args.length == 0 || args[0] == null ? null : args[0].toString(), args);
      case "upper":
        return s.toUpperCase(java.util.Locale.ROOT);
      case "lower":
        return s.toLowerCase(java.util.Locale.ROOT);
      case "replace":
        return s.replace(str(args, 0, name), str(args, 1, name));
      case "find":
        return s.indexOf(str(args, 0, name));
      case "count":
        return count(s, str(args, 0, name));
      case "title":
        return title(s);
      case "capitalize":
        return s.isEmpty()
            ? s
            : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                + s.substring(1).toLowerCase(java.util.Locale.ROOT);
      default:
        return NOT_HANDLED;
    }
  }

  private static Object mapMethod(Map<?, ?> m, String name, Object[] args) {
    switch (name) {
      case "items":
        // entries, which Jinjava's "for k, v in ..." unpacks into key and value
        return new ArrayList<>(m.entrySet());
      case "keys":
        return new ArrayList<>(m.keySet());
      case "values":
        return new ArrayList<>(m.values());
      case "get":
        {
          Object key = args.length > 0 ? args[0] : null;
          return m.containsKey(key) ? m.get(key) : (args.length > 1 ? args[1] : null);
        }
      default:
        return NOT_HANDLED;
    }
  }

  private static String str(Object[] args, int i, String method) {
    if (args.length <= i || args[i] == null) {
      throw new IllegalArgumentException(
          "str." + method + ": argument " + (i + 1) + " is missing (expected a string)");
    }
    return args[i].toString();
  }

  /** The characters to strip: Python's default (null) is whitespace. */
  private static String chars(Object[] args) {
    return args.length == 0 || args[0] == null ? null : args[0].toString();
  }

  private static boolean strips(int c, String chars) {
    return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
  }

  private static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && strips(s.charAt(i), chars)) {
      i++;
    }
    return s.substring(i);
  }

  private static String rstrip(String s, String chars) {
    int j = s.length();
    while (j > 0 && strips(s.charAt(j - 1), chars)) {
      j--;
    }
    return s.substring(0, j);
  }

  /** Python's str.split: a literal separator keeps empty pieces; no separator splits on runs. */
  private static List<String> split(String s, String separator, Object[] args) {
    int maxSplit =
        args.length > 1 && args[1] instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
    if (maxSplit < 0) {
      maxSplit = Integer.MAX_VALUE;
    }
    List<String> parts = new ArrayList<>();
    if (separator == null) {
      String rest = lstrip(s, null);
      while (!rest.isEmpty()) {
        if (parts.size() == maxSplit) {
          parts.add(rstrip(rest, null));
          return parts;
        }
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
          end++;
        }
        parts.add(rest.substring(0, end));
        rest = lstrip(rest.substring(end), null);
      }
      return parts;
    }
    if (separator.isEmpty()) {
      throw new IllegalArgumentException("str.split: empty separator");
    }
    int from = 0;
    int at;
    while (parts.size() < maxSplit && (at = s.indexOf(separator, from)) >= 0) {
      parts.add(s.substring(from, at));
      from = at + separator.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  private static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  // Other property access is Jinjava's business.

  /** {@code s[i]} on a string, negative {@code i} counting from the end, as in Python. */
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (base instanceof String s && property instanceof Number n) {
      int i = n.intValue() < 0 ? s.length() + n.intValue() : n.intValue();
      context.setPropertyResolved(true);
      return i >= 0 && i < s.length() ? String.valueOf(s.charAt(i)) : null;
    }
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
