package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
  private static boolean[] mask(String... rows) {
    boolean[] m = new boolean[rows.length * rows[0].length()];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < rows[0].length(); x++) {
        m[y * rows[0].length() + x] = rows[y].charAt(x) == '#';
      }
    }
    return m;
  }

  @Test
  void diagonalNeighboursAreSeparateComponents() {
    var l = ConnectedComponents.label(mask(
        "#.#",
        ".#.",
        "..#"), 3, 3);
    assertEquals(4, l.count());
  }

  @Test
  void aUShapeIsOneComponent() {
    var l = ConnectedComponents.label(mask(
        "#.#",
        "#.#",
        "###"), 3, 3);
    assertEquals(1, l.count());
    assertEquals(l.labels()[0], l.labels()[2]);
    assertEquals(0, l.labels()[1]);
  }

  @Test
  void separateBlocksGetDistinctLabels() {
    var l = ConnectedComponents.label(mask(
        "##..##",
        "##..##"), 6, 2);
    assertEquals(2, l.count());
    assertNotEquals(l.labels()[0], l.labels()[5]);
  }
}
