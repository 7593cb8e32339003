package org.unettf.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Slice numbers written as ranges: {@code "27-29"}, {@code "0,3,27-29"}. */
public final class Indices {
  private Indices() {}

  /**
   * The numbers, in the order given, without repeats. Anything else throws an
   * {@link IllegalArgumentException} whose message quotes the offending part and says what is
   * wrong with it, to follow "found": {@code '3-1', a reversed range (write 1-3)}.
   */
  public static List<Integer> parse(String text) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-', 1);
      if (dash > 0) {
        int from = number(p.substring(0, dash).trim(), p);
        int to = number(p.substring(dash + 1).trim(), p);
        if (to < from) {
          throw new IllegalArgumentException("'" + p + "', a reversed range (write " + to + "-" + from + ")");
        }
        for (int i = from; i <= to; i++) {
          out.add(i);
        }
      } else {
        out.add(number(p, p));
      }
    }
    return List.copyOf(out);
  }

  private static int number(String text, String part) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("'" + part + "', which lacks a number");
    }
    if (text.startsWith("-")) {
      throw new IllegalArgumentException("'" + part + "', a negative number");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + part + "', not a slice number");
    }
  }
}
