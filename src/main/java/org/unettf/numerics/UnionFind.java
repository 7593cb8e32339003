package org.unettf.numerics;

import java.util.HashMap;
import java.util.Map;

/**
 * Disjoint sets of segment ids (any non-zero ints, however sparse), for merging the ids that
 * stitching finds to be one cell. Each set is represented by its smallest id, so the result
 * does not depend on the order of the unions.
 */
public final class UnionFind {
  private final Map<Integer, Integer> parent = new HashMap<>();

  /** Puts {@code a} and {@code b} in one set. */
  public void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra != rb) {
      parent.put(Math.max(ra, rb), Math.min(ra, rb));
    }
  }

  /** The smallest id of {@code id}'s set; an id never united with another is its own. */
  public int find(int id) {
    int root = id;
    for (Integer up = parent.get(root); up != null; up = parent.get(root)) {
      root = up;
    }
    // Path compression: point every id on the way straight at the root.
    for (int at = id; at != root; ) {
      int up = parent.get(at);
      parent.put(at, root);
      at = up;
    }
    return root;
  }

  /** Replaces every non-zero id in {@code labels} by its set's smallest id, in place. */
  public void relabel(int[] labels) {
    if (parent.isEmpty()) {
      return;
    }
    int last = 0;
    int lastRoot = 0;
    for (int i = 0; i < labels.length; i++) {
      int id = labels[i];
      if (id == 0) {
        continue;
      }
      // Neighbouring pixels mostly share an id, so remember the last answer.
      if (id != last) {
        last = id;
        lastRoot = find(id);
      }
      labels[i] = lastRoot;
    }
  }
}
