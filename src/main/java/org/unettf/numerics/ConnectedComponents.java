package org.unettf.numerics;

/** 4-connected component labelling, the connectivity the paper's cells and the ISBI metrics use. */
public final class ConnectedComponents {
  private ConnectedComponents() {}

  /**
   * @param labels per pixel: 0 for background, the component's number 1..count otherwise
   * @param count number of components
   */
  public record Labelling(int[] labels, int count) {}

  /** Labels the 4-connected components of the pixels where {@code foreground} is true. */
  public static Labelling label(boolean[] foreground, int width, int height) {
    int[] labels = new int[width * height];
    int[] queue = new int[width * height];
    int count = 0;
    for (int start = 0; start < labels.length; start++) {
      if (!foreground[start] || labels[start] != 0) {
        continue;
      }
      count++;
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      labels[start] = count;
      while (head < tail) {
        int p = queue[head++];
        int x = p % width;
        int y = p / width;
        if (x > 0 && foreground[p - 1] && labels[p - 1] == 0) {
          labels[p - 1] = count;
          queue[tail++] = p - 1;
        }
        if (x < width - 1 && foreground[p + 1] && labels[p + 1] == 0) {
          labels[p + 1] = count;
          queue[tail++] = p + 1;
        }
        if (y > 0 && foreground[p - width] && labels[p - width] == 0) {
          labels[p - width] = count;
          queue[tail++] = p - width;
        }
        if (y < height - 1 && foreground[p + width] && labels[p + width] == 0) {
          labels[p + width] = count;
          queue[tail++] = p + width;
        }
      }
    }
    return new Labelling(labels, count);
  }
}
