package org.unettf.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Slice numbers written as ranges: {@code "27-29"}, {@code "0,3,27-29"}. */
public final class Indices {
  private Indices() {}

  /** The numbers, in the order given, without repeats; throws on anything else. */
  public static List<Integer> parse(String text) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      int dash = p.indexOf('-', 1);
      try {
        if (dash > 0) {
          int from = Integer.parseInt(p.substring(0, dash).trim());
          int to = Integer.parseInt(p.substring(dash + 1).trim());
          if (from < 0 || to < from) {
            throw new NumberFormatException();
          }
          for (int i = from; i <= to; i++) {
            out.add(i);
          }
        } else {
          int i = Integer.parseInt(p);
          if (i < 0) {
            throw new NumberFormatException();
          }
          out.add(i);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + p + "'");
      }
    }
    return List.copyOf(out);
  }
}
