package org.unettf.numerics;

/**
 * Seeded watershed by flooding (Meyer, "Un algorithme optimal de ligne de partage des eaux",
 * 1991; Beucher and Meyer 1993): basins grow from the seeds over a landscape, the lowest pixel
 * on the flood front first, in 2D with 4-connectivity or in 3D with 6-connectivity.
 *
 * <p>The front is a priority queue ordered by the pixel's own landscape value; among equal
 * values the pixel that joined the front first leaves it first (FIFO), so the result is
 * deterministic. Seeds enter the front in raster order. Each pixel joins the front once, when a
 * labelled neighbour first reaches it.
 *
 * <p>Without lines a pixel takes the label of the neighbour that reached it. With lines
 * (dams) a pixel is judged when it leaves the front: if its labelled neighbours carry two
 * different labels it becomes a dam (0) and floods no further, otherwise it takes their label.
 * Hence:
 *
 * <ul>
 *   <li>seeds keep their labels; other pixels outside the mask stay 0; seeds outside the mask
 *       flood nothing, and the flood ignores them;
 *   <li>no two neighbours in the mask carry different labels (unless two seeds already
 *       touched);
 *   <li>every dam pixel has two different labels among its neighbours: lines are one pixel
 *       wide, and none of their pixels could join a basin without touching another one;
 *   <li>every mask pixel connected to a seed through the mask is labelled or a dam, except a
 *       rare pixel that dams alone cut off from every basin: it stays 0 and has no labelled
 *       neighbour (it is part of the line).
 * </ul>
 *
 * These are the semantics of {@code skimage.segmentation.watershed(..., connectivity=1,
 * watershed_line=True)}; the two differ only where ties are broken differently.
 */
public final class Watershed {
  private static final byte UNSEEN = 0;
  private static final byte QUEUED = 1;

  private Watershed() {}

  /**
   * 2D flooding, 4-connected.
   *
   * @param landscape {@code width×height} heights (not NaN); lower floods first
   * @param seeds per pixel 0 or the seed's label (any non-zero int)
   * @param mask where flooding may go, or {@code null} for everywhere
   * @param lines whether pixels where two basins meet become 0
   * @return the labels, seeds included
   */
  public static int[] flood(float[] landscape, int[] seeds, boolean[] mask, int width, int height, boolean lines) {
    return flood(landscape, seeds, mask, width, height, 1, lines);
  }

  /** 3D flooding of a {@code width×height×depth} volume (x fastest), 6-connected. */
  public static int[] flood(float[] landscape, int[] seeds, boolean[] mask, int width, int height, int depth,
      boolean lines) {
    int n = width * height * depth;
    if (landscape.length != n || seeds.length != n || (mask != null && mask.length != n)) {
      throw new IllegalArgumentException("landscape, seeds and mask must all have " + n + " pixels");
    }
    int[] labels = seeds.clone();
    byte[] state = new byte[n];
    Front front = new Front(n);
    Neighbours neighbours = new Neighbours(width, height, depth);
    int[] around = new int[6];
    for (int p = 0; p < n; p++) {
      // A seed pixel with no unlabelled neighbour would leave the front without doing anything,
      // so only the seeds' rims enter it (in the same relative order, so nothing changes).
      if (seeds[p] != 0 && (mask == null || mask[p]) && reachesOut(p, seeds, mask, neighbours, around)) {
        state[p] = QUEUED;
        front.push(landscape[p], p);
      }
    }
    while (!front.isEmpty()) {
      int p = front.pop();
      int count = neighbours.of(p, around);
      if (lines && seeds[p] == 0) {
        int label = 0;
        boolean dam = false;
        for (int k = 0; k < count; k++) {
          int l = mask == null || mask[around[k]] ? labels[around[k]] : 0;
          if (l != 0) {
            if (label == 0) {
              label = l;
            } else if (l != label) {
              dam = true;
              break;
            }
          }
        }
        if (dam) {
          continue;
        }
        labels[p] = label;
      }
      for (int k = 0; k < count; k++) {
        int q = around[k];
        if (state[q] == UNSEEN && labels[q] == 0 && (mask == null || mask[q])) {
          state[q] = QUEUED;
          if (!lines) {
            labels[q] = labels[p];
          }
          front.push(landscape[q], q);
        }
      }
    }
    return labels;
  }

  private static boolean reachesOut(int p, int[] seeds, boolean[] mask, Neighbours neighbours, int[] around) {
    int count = neighbours.of(p, around);
    for (int k = 0; k < count; k++) {
      int q = around[k];
      if (seeds[q] == 0 && (mask == null || mask[q])) {
        return true;
      }
    }
    return false;
  }

  /** The 4- or 6-neighbours of a pixel, in raster order (−z, −y, −x, +x, +y, +z). */
  static final class Neighbours {
    private final int width;
    private final int depth;
    private final int plane;

    Neighbours(int width, int height, int depth) {
      this.width = width;
      this.depth = depth;
      this.plane = width * height;
    }

    /** Writes the neighbours of {@code p} into {@code out}; returns how many there are. */
    int of(int p, int[] out) {
      int count = 0;
      int rest = p;
      if (depth > 1) {
        rest = p % plane;
        if (p >= plane) {
          out[count++] = p - plane;
        }
      }
      int x = rest % width;
      if (rest >= width) {
        out[count++] = p - width;
      }
      if (x > 0) {
        out[count++] = p - 1;
      }
      if (x < width - 1) {
        out[count++] = p + 1;
      }
      if (rest < plane - width) {
        out[count++] = p + width;
      }
      if (depth > 1 && p < plane * (depth - 1)) {
        out[count++] = p + plane;
      }
      return count;
    }
  }

  /**
   * A 4-ary min-heap of pixels keyed by (height, arrival). Both are packed into one long: the
   * height's bits made order-preserving as a signed int above, the arrival number below, so
   * a single comparison orders by height and then FIFO, and the arrival number finds the pixel.
   * Four children per node halve the depth of a binary heap, which matters more than the extra
   * comparisons here.
   */
  static final class Front {
    private final long[] heap;
    private final int[] pixelOfArrival;
    private int size;
    private int arrivals;

    Front(int capacity) {
      heap = new long[capacity];
      pixelOfArrival = new int[capacity];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(float height, int pixel) {
      int arrival = arrivals++;
      pixelOfArrival[arrival] = pixel;
      long key = ((long) orderedBits(height) << 32) | arrival;
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 2;
        long up = heap[parent];
        if (up <= key) {
          break;
        }
        heap[i] = up;
        i = parent;
      }
      heap[i] = key;
    }

    int pop() {
      long top = heap[0];
      long last = heap[--size];
      int n = size;
      int i = 0;
      while (true) {
        int first = 4 * i + 1;
        if (first >= n) {
          break;
        }
        int best = first;
        long least = heap[first];
        int end = Math.min(first + 4, n);
        for (int c = first + 1; c < end; c++) {
          long v = heap[c];
          if (v < least) {
            least = v;
            best = c;
          }
        }
        if (last <= least) {
          break;
        }
        heap[i] = least;
        i = best;
      }
      heap[i] = last;
      return pixelOfArrival[(int) top];
    }

    /** Float bits as an int with the same order as the floats; −0 and +0 are one height. */
    private static int orderedBits(float value) {
      int bits = Float.floatToIntBits(value + 0.0f);
      return bits < 0 ? bits ^ 0x7fffffff : bits;
    }
  }
}
