package org.unettf.config;

import java.util.Arrays;
import java.util.List;

/**
 * Mask values and the classes they mean, in class-index order: {@code {0: membrane, 255: cell}}
 * (the ISBI convention, and the default) makes 0 class 0 and 255 class 1.
 */
public record ClassMap(List<Integer> values, List<String> names) {

  public static ClassMap binary() {
    return new ClassMap(List.of(0, 255), List.of("membrane", "cell"));
  }

  public int size() {
    return values.size();
  }

  /** Class index per mask value 0..max, −1 for values that map to no class. */
  public int[] lookup(int max) {
    int[] table = new int[max + 1];
    Arrays.fill(table, -1);
    for (int c = 0; c < values.size(); c++) {
      if (values.get(c) <= max) {
        table[values.get(c)] = c;
      }
    }
    return table;
  }

  /** "0 (membrane), 255 (cell)", for messages. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < values.size(); c++) {
      out.append(c == 0 ? "" : ", ").append(values.get(c)).append(" (").append(names.get(c)).append(')');
    }
    return out.toString();
  }
}
