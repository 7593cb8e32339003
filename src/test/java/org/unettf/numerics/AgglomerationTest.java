package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class AgglomerationTest {
  /**
   * Three segments in a row, lines of membrane 0.2 (1|2) and 0.9 (2|3). Below 0.6 only the first
   * goes: 1 and 2 merge (the smaller id stays) and the line pixel joins them.
   */
  @Test
  void onlyWeakLinesGo() {
    int[] labels = {1, 1, 0, 2, 2, 0, 3};
    float[] membrane = {0, 0, 0.2f, 0, 0, 0.9f, 0};
    Agglomeration.merge(labels, membrane, null, 7, 1, 0.6, 0);
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 3}, labels);
  }

  @Test
  void segmentsOfDifferentGroupsDoNotMerge() {
    int[] labels = {1, 1, 0, 2, 2, 0, 3};
    float[] membrane = {0, 0, 0.2f, 0, 0, 0.1f, 0};
    int[] groups = {0, 1, 2, 2};
    Agglomeration.merge(labels, membrane, groups, 7, 1, 0.6, 0);
    assertArrayEquals(new int[] {1, 1, 0, 2, 2, 2, 2}, labels);
  }

  /**
   * Average linkage pools lines. Segments 1 and 2 side by side above segment 3:
   * <pre>
   *   1 1 0 2 2      lines: 1|2 = {(2,0)}: 0.1
   *   0 0 3 0 0             1|3 = {(2,0), (0,1), (1,1)}: (0.1 + 0.75 + 0.75)/3 = 0.533
   *   3 3 3 3 3             2|3 = {(2,0), (3,1), (4,1)}: (0.1 + 1 + 1)/3 = 0.7
   * </pre>
   * 1|2 goes first; their lines to 3 pool into (1.6 + 2.1)/6 = 0.617, not below 0.6, so 3
   * stays apart, although 1|3 alone (0.533) would have merged (single linkage would).
   */
  @Test
  void mergedSegmentsPoolTheirLines() {
    int[] labels = {
      1, 1, 0, 2, 2,
      0, 0, 3, 0, 0,
      3, 3, 3, 3, 3};
    float[] membrane = {
      0, 0, 0.1f, 0, 0,
      0.75f, 0.75f, 0, 1, 1,
      0, 0, 0, 0, 0};
    Agglomeration.merge(labels, membrane, null, 5, 3, 0.6, 0);
    int[] expected = {
      1, 1, 0, 1, 1,
      0, 0, 3, 0, 0,
      3, 3, 3, 3, 3};
    assertArrayEquals(expected, labels);
  }

  /** Segment 2 (1 px) is under the minimum size; it joins 3, across its weaker line. */
  @Test
  void smallSegmentsJoinTheirWeakestNeighbour() {
    int[] labels = {1, 1, 0, 2, 0, 3, 3, 3};
    float[] membrane = {0, 0, 0.9f, 0, 0.7f, 0, 0, 0};
    Agglomeration.merge(labels, membrane, null, 8, 1, 0.6, 2);
    assertArrayEquals(new int[] {1, 1, 0, 2, 2, 2, 2, 2}, labels);
  }

  @Test
  void nothingToMergeLeavesTheLabels() {
    int[] labels = {1, 0, 2};
    assertFalse(Agglomeration.merge(labels, new float[] {0, 1, 0}, null, 3, 1, 0.6, 0));
    assertArrayEquals(new int[] {1, 0, 2}, labels);
  }
}
