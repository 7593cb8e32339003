package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.io.Npy;

class WatershedTest {
  /**
   * One row, seeds at both ends, a ridge at x = 4 (heights 0 1 2 3 9 3 2 1 0). Each basin
   * floods its own slope; the ridge pixel is reached last and sees both labels: a dam.
   */
  @Test
  void theDamSitsOnTheRidge() {
    float[] land = {0, 1, 2, 3, 9, 3, 2, 1, 0};
    int[] seeds = {1, 0, 0, 0, 0, 0, 0, 0, 2};
    assertArrayEquals(new int[] {1, 1, 1, 1, 0, 2, 2, 2, 2}, Watershed.flood(land, seeds, null, 9, 1, true));
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 2, 2, 2, 2}, Watershed.flood(land, seeds, null, 9, 1, false));
  }

  /**
   * A flat row of 7 with seeds at both ends: FIFO among equal heights floods breadth first, so
   * each basin takes the pixels nearer to it and the middle one (x = 3), reached by both at
   * the same time, is the dam. Without lines the first to arrive takes it: the seed at x = 0
   * entered the front first.
   */
  @Test
  void onAPlateauTheBasinsMeetHalfWay() {
    float[] land = new float[7];
    int[] seeds = {5, 0, 0, 0, 0, 0, 7};
    assertArrayEquals(new int[] {5, 5, 5, 0, 7, 7, 7}, Watershed.flood(land, seeds, null, 7, 1, true));
    assertArrayEquals(new int[] {5, 5, 5, 5, 7, 7, 7}, Watershed.flood(land, seeds, null, 7, 1, false));
  }

  /**
   * Two 2D basins on either side of a ridge at x = 2 with a low pass at y = 0 (height 1; 5
   * below). Both sides flood at height 0 first; the pass is next, and sees both labels: a dam.
   * So do the ridge pixels after it, and the line runs one pixel wide down the ridge.
   */
  @Test
  void basinsMeetAtThePassAndAlongTheRidge() {
    int w = 5;
    int h = 3;
    float[] land = {
      0, 0, 1, 0, 0,
      0, 0, 5, 0, 0,
      0, 0, 5, 0, 0};
    int[] seeds = new int[w * h];
    seeds[w * 2] = 1;
    seeds[w * 2 + 4] = 2;
    int[] expected = {
      1, 1, 0, 2, 2,
      1, 1, 0, 2, 2,
      1, 1, 0, 2, 2};
    assertArrayEquals(expected, Watershed.flood(land, seeds, null, w, h, true));
  }

  @Test
  void pixelsOutsideTheMaskStayZeroAndBlockTheFlood() {
    float[] land = new float[5];
    int[] seeds = {1, 0, 0, 0, 0};
    boolean[] mask = {true, true, false, true, true};
    assertArrayEquals(new int[] {1, 1, 0, 0, 0}, Watershed.flood(land, seeds, mask, 5, 1, false));
  }

  /**
   * 3D, 6-connected: a 2×2×3 volume (z = 0, 1, 2) with one seed on each outer plane and a high
   * middle plane. Both basins reach the middle plane from above and below; each of its pixels
   * sees both labels: the dam is the whole plane z = 1.
   */
  @Test
  void inThreeDimensionsTheDamIsAPlane() {
    float[] land = {0, 0, 0, 0, 9, 9, 9, 9, 0, 0, 0, 0};
    int[] seeds = new int[12];
    seeds[0] = 1;
    seeds[11] = 2;
    int[] labels = Watershed.flood(land, seeds, null, 2, 2, 3, true);
    assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 2, 2}, labels);
  }

  @Test
  void randomLandscapesKeepTheInvariants() {
    Random random = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int w = 5 + random.nextInt(40);
      int h = 5 + random.nextInt(40);
      int d = trial % 4 == 0 ? 2 + random.nextInt(4) : 1;
      Case c = randomCase(random, w, h, d, trial % 3 == 0, trial % 2 == 0);
      int[] lines = Watershed.flood(c.land, c.seeds, c.mask, w, h, d, true);
      checkInvariants(c, lines, w, h, d, true);
      assertArrayEquals(lines, Watershed.flood(c.land, c.seeds, c.mask, w, h, d, true), "deterministic");
      int[] plain = Watershed.flood(c.land, c.seeds, c.mask, w, h, d, false);
      checkInvariants(c, plain, w, h, d, false);
    }
  }

  /**
   * Random landscapes through {@code skimage.segmentation.watershed(..., connectivity=1,
   * watershed_line=True)} too, with a masked wall: smooth ones (no ties), and ones quantised to
   * a few levels (plateaus everywhere, ties broken FIFO by both). They agree on every pixel.
   *
   * <p>They would not quite agree where seeds tie: scikit-image puts all markers on its heap
   * at age 0, so markers of equal height leave it in an order of the heap's making, and it
   * applies the dam rule to markers too (a marker that leaves the heap after two other basins
   * have reached it floods no further). Here seeds enter in raster order and always flood. So
   * in the quantised landscapes each seed gets a height of its own, below every other pixel.
   * And scikit-image drops markers outside its mask, where here they keep their label (and
   * flood nothing), so seeds lie inside the mask.
   */
  @Test
  void agreesWithScikitImage(@TempDir Path dir) throws Exception {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    assumeTrue(runs(python, "import skimage.segmentation, numpy"),
        "no Python with scikit-image and numpy to cross-check against");
    Random random = new Random(11);
    int w = 64;
    int h = 48;
    long differing = 0;
    long total = 0;
    for (int trial = 0; trial < 6; trial++) {
      float[] land = GaussianBlur.blur(noise(random, w * h), w, h, 1.5);
      if (trial % 2 == 1) {
        for (int i = 0; i < land.length; i++) {
          land[i] = Math.round(land[i] * 8) / 8f; // a few levels: plateaus and ties
        }
      }
      boolean[] mask = new boolean[w * h];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = (i % w) != 20 || (i / w) % 10 == 0; // a wall with doors
      }
      int[] seeds = new int[w * h];
      for (int k = 1; k <= 12; k++) {
        int at = random.nextInt(w * h);
        if (mask[at]) {
          seeds[at] = k;
          if (trial % 2 == 1) {
            land[at] = -k;
          }
        }
      }
      int[] ours = Watershed.flood(land, seeds, mask, w, h, true);
      int[] theirs = skimage(python, dir, land, seeds, mask, w, h);
      for (int i = 0; i < ours.length; i++) {
        if (ours[i] != theirs[i]) {
          differing++;
        }
      }
      total += ours.length;
    }
    assertEquals(0, differing, differing + " of " + total + " pixels differ from scikit-image");
  }

  private record Case(float[] land, int[] seeds, boolean[] mask) {}

  private static Case randomCase(Random random, int w, int h, int d, boolean masked, boolean quantised) {
    int n = w * h * d;
    float[] land = new float[n];
    for (int i = 0; i < n; i++) {
      land[i] = quantised ? random.nextInt(3) : random.nextFloat();
    }
    int[] seeds = new int[n];
    int count = 1 + random.nextInt(8);
    for (int k = 1; k <= count; k++) {
      seeds[random.nextInt(n)] = k;
    }
    boolean[] mask = null;
    if (masked) {
      mask = new boolean[n];
      for (int i = 0; i < n; i++) {
        mask[i] = random.nextInt(5) != 0;
      }
    }
    return new Case(land, seeds, mask);
  }

  /**
   * Seeds keep their labels; outside the mask all else is 0. With lines: no two neighbours in
   * the mask carry different labels, and every 0 in the mask next to a label touches two
   * different labels (the line is one pixel wide and minimal). Without lines: every pixel
   * connected to a seed through the mask is labelled.
   */
  private static void checkInvariants(Case c, int[] labels, int w, int h, int d, boolean lines) {
    Watershed.Neighbours neighbours = new Watershed.Neighbours(w, h, d);
    int[] around = new int[6];
    boolean[] reachable = reachable(c, w, h, d);
    for (int p = 0; p < labels.length; p++) {
      if (c.seeds[p] != 0) {
        assertEquals(c.seeds[p], labels[p], "seed at " + p);
        continue;
      }
      boolean inMask = c.mask == null || c.mask[p];
      if (!inMask) {
        assertEquals(0, labels[p], "outside the mask at " + p);
        continue;
      }
      int count = neighbours.of(p, around);
      int first = 0;
      boolean two = false;
      for (int k = 0; k < count; k++) {
        int l = c.mask == null || c.mask[around[k]] ? labels[around[k]] : 0;
        if (lines && l != 0 && labels[p] != 0) {
          assertEquals(labels[p], l, "neighbours " + p + " and " + around[k] + " differ");
        }
        if (l != 0) {
          two |= first != 0 && l != first;
          first = first == 0 ? l : first;
        }
      }
      if (labels[p] == 0 && reachable[p]) {
        assertTrue(lines, "unlabelled pixel " + p + " without lines");
        assertTrue(first == 0 || two, "line pixel " + p + " touches one label only");
      }
    }
  }

  /** Pixels joined to a seed through the mask. */
  private static boolean[] reachable(Case c, int w, int h, int d) {
    int n = w * h * d;
    boolean[] seen = new boolean[n];
    int[] queue = new int[n];
    int tail = 0;
    for (int p = 0; p < n; p++) {
      if (c.seeds[p] != 0 && (c.mask == null || c.mask[p])) {
        seen[p] = true;
        queue[tail++] = p;
      }
    }
    Watershed.Neighbours neighbours = new Watershed.Neighbours(w, h, d);
    int[] around = new int[6];
    for (int head = 0; head < tail; head++) {
      int count = neighbours.of(queue[head], around);
      for (int k = 0; k < count; k++) {
        int q = around[k];
        if (!seen[q] && (c.mask == null || c.mask[q])) {
          seen[q] = true;
          queue[tail++] = q;
        }
      }
    }
    return seen;
  }

  private static float[] noise(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextFloat();
    }
    return out;
  }

  private static int[] skimage(String python, Path dir, float[] land, int[] seeds, boolean[] mask, int w, int h)
      throws IOException, InterruptedException {
    long[] shape = {h, w};
    float[] seedValues = new float[seeds.length];
    float[] maskValues = new float[mask.length];
    for (int i = 0; i < seeds.length; i++) {
      seedValues[i] = seeds[i];
      maskValues[i] = mask[i] ? 1 : 0;
    }
    Files.write(dir.resolve("land.npy"), Npy.encode(shape, land));
    Files.write(dir.resolve("seeds.npy"), Npy.encode(shape, seedValues));
    Files.write(dir.resolve("mask.npy"), Npy.encode(shape, maskValues));
    String script = String.join("\n",
        "import numpy as np, sys",
        "from skimage.segmentation import watershed",
        "d = sys.argv[1]",
        "land = np.load(d + '/land.npy').astype(np.float64)",
        "seeds = np.load(d + '/seeds.npy').astype(np.int32)",
        "mask = np.load(d + '/mask.npy') > 0",
        "out = watershed(land, markers=seeds, mask=mask, connectivity=1, watershed_line=True)",
        "np.save(d + '/out.npy', out.astype(np.float32))");
    Process process = new ProcessBuilder(python, "-c", script, dir.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);
    float[] out = Npy.read(dir.resolve("out.npy")).data();
    int[] labels = new int[out.length];
    for (int i = 0; i < out.length; i++) {
      labels[i] = (int) out[i];
    }
    return labels;
  }

  private static boolean runs(String python, String code) {
    try {
      Process process = new ProcessBuilder(python, "-c", code).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
