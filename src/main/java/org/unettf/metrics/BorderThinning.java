package org.unettf.metrics;

import org.unettf.numerics.ConnectedComponents;
import org.unettf.numerics.ConnectedComponents.Labelling;

/**
 * The border thinning of the ISBI 2012 leaderboard's scores (Arganda-Carreras et al. 2015,
 * Frontiers in Neuroanatomy 9:142; Fiji's {@code trainableSegmentation.metrics.RandError
 * .getForegroundRestrictedRandAfterThinningStatsN2} and {@code VariationOfInformation
 * .foregroundRestrictedScoreAfterThinningN2}, which thin with
 * {@code trainableSegmentation.utils.WatershedTransform2D}).
 *
 * <p>The thresholded map is a binary landscape: cells (probability above the threshold) at 0,
 * boundary at 255. Fiji floods it with the classic watershed of Vincent and Soille (1991),
 * 4-connected, and this class reproduces that flood step for step:
 *
 * <ol>
 *   <li>The minima at level 0 are the cells: their 4-connected components, each a basin.
 *   <li>At level 255 the boundary pixels that touch a cell enter a FIFO queue, in Fiji's order
 *       (pixels sorted by value, ties in the order of its extraction: column by column, x
 *       outer, y inner). The queue then runs breadth first: a pixel taken from it looks at its
 *       neighbours in the order left, up, right, down; the first labelled neighbour gives it
 *       its label, a second labelled neighbour with another label makes it a watershed pixel
 *       (0), a watershed neighbour seen before any label makes it provisionally watershed
 *       (a later labelled neighbour still relabels it), and unvisited boundary neighbours join
 *       the queue. Unlike the textbook algorithm there is no geodesic-distance bookkeeping:
 *       a pixel sees every neighbour that left the queue before it, whatever its distance.
 *   <li>Boundary pixels the flood never reaches (boundary regions that touch no cell) are
 *       new minima at level 255: each 4-connected region of them becomes a segment of its
 *       own. Hence a map that is all boundary is one segment, not all singletons.
 * </ol>
 *
 * The basins thus grow over the boundary, equally fast from every side, until they meet; the
 * watershed pixels left between them are the thinned boundary, one pixel wide in most places
 * (two where the order of the queue makes both sides of a meeting watershed, as Fiji's own
 * comment "this algorithm may have plateaus in the dams" warns). No two neighbouring pixels
 * carry different labels, so the scores see the same cells as the flood.
 */
public final class BorderThinning {
  private static final int MASK = -2;
  private static final int IN_QUEUE = -3;
  private static final int WATERSHED = 0;

  private BorderThinning() {}

  /**
   * The thinned segmentation of a cell-probability map: segments 1..count, 0 the thinned
   * boundary.
   *
   * @param cell probabilities of the cell class, row by row
   * @param threshold pixels with {@code cell > threshold} are cells, the others boundary
   */
  public static Labelling thin(float[] cell, double threshold, int width, int height) {
    int n = width * height;
    boolean[] foreground = new boolean[n];
    for (int p = 0; p < n; p++) {
      foreground[p] = cell[p] > threshold;
    }
    return thin(foreground, width, height);
  }

  /** The thinned segmentation of cells {@code foreground} (the rest is boundary). */
  public static Labelling thin(boolean[] foreground, int width, int height) {
    Labelling cells = ConnectedComponents.label(foreground, width, height);
    int[] labels = cells.labels().clone();
    int n = labels.length;
    int[] queue = new int[n];
    int tail = 0;
    for (int p = 0; p < n; p++) {
      if (labels[p] == 0) {
        labels[p] = MASK;
      }
    }
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        int p = y * width + x;
        if (labels[p] == MASK && touchesCell(labels, p, x, y, width, height)) {
          labels[p] = IN_QUEUE;
          queue[tail++] = p;
        }
      }
    }
    int[] around = new int[4];
    for (int head = 0; head < tail; head++) {
      int p = queue[head];
      int count = neighbours(p, width, height, around);
      // Fiji keeps this flag in a field, but it is only read for a pixel that set it itself.
      boolean provisional = false;
      for (int k = 0; k < count; k++) {
        int q = around[k];
        int label = labels[q];
        if (label > 0) {
          if (labels[p] == IN_QUEUE || (labels[p] == WATERSHED && provisional)) {
            labels[p] = label;
          } else if (labels[p] > 0 && labels[p] != label) {
            labels[p] = WATERSHED;
            provisional = false;
          }
        } else if (label == WATERSHED) {
          if (labels[p] == IN_QUEUE) {
            labels[p] = WATERSHED;
            provisional = true;
          }
        } else if (label == MASK) {
          labels[q] = IN_QUEUE;
          queue[tail++] = q;
        }
      }
    }
    int count = cells.count();
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        int start = y * width + x;
        if (labels[start] != MASK) {
          continue;
        }
        count++;
        labels[start] = count;
        int head = 0;
        tail = 0;
        queue[tail++] = start;
        while (head < tail) {
          int p = queue[head++];
          int m = neighbours(p, width, height, around);
          for (int k = 0; k < m; k++) {
            if (labels[around[k]] == MASK) {
              labels[around[k]] = count;
              queue[tail++] = around[k];
            }
          }
        }
      }
    }
    return new Labelling(labels, count);
  }

  private static boolean touchesCell(int[] labels, int p, int x, int y, int width, int height) {
    return (x > 0 && labels[p - 1] > 0) || (y > 0 && labels[p - width] > 0)
        || (x < width - 1 && labels[p + 1] > 0) || (y < height - 1 && labels[p + width] > 0);
  }

  /** The 4-neighbours of {@code p} inside the image, in Fiji's order: left, up, right, down. */
  private static int neighbours(int p, int width, int height, int[] out) {
    int x = p % width;
    int y = p / width;
    int count = 0;
    if (x > 0) {
      out[count++] = p - 1;
    }
    if (y > 0) {
      out[count++] = p - width;
    }
    if (x < width - 1) {
      out[count++] = p + 1;
    }
    if (y < height - 1) {
      out[count++] = p + width;
    }
    return count;
  }
}
