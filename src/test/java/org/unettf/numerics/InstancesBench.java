package org.unettf.numerics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.unettf.io.StackReader;
import org.unettf.numerics.Instances.Parameters;

/**
 * Times {@link Instances#segment} on one slice: {@code InstancesBench [probabilities.tif [slice]]}
 * (without a file, a synthetic 512² map of blurred random cells), with the default parameters.
 * Reports the median of 31 runs after 20 warm-up runs, in wall time and in the thread's CPU
 * time (which a busy machine inflates less). Not a test: timings depend on the machine; run it
 * on one core, e.g. {@code taskset -c 0 java -XX:ActiveProcessorCount=1 ...}.
 */
public final class InstancesBench {
  private InstancesBench() {}

  public static void main(String[] args) {
    int width;
    int height;
    float[] cell;
    if (args.length > 0) {
      var stack = StackReader.readImages(Path.of(args[0]), "probabilities", notice -> {});
      width = stack.width();
      height = stack.height();
      cell = stack.slices()[args.length > 1 ? Integer.parseInt(args[1]) : 0];
    } else {
      width = 512;
      height = 512;
      cell = synthetic(width, height, new Random(1));
    }
    Parameters p = Parameters.defaults();
    for (int i = 0; i < 20; i++) {
      Instances.segment(cell, width, height, p);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] wall = new double[31];
    double[] cpu = new double[wall.length];
    int cells = 0;
    for (int i = 0; i < wall.length; i++) {
      long start = System.nanoTime();
      long startCpu = threads.getCurrentThreadCpuTime();
      cells = Instances.segment(cell, width, height, p).count();
      cpu[i] = (threads.getCurrentThreadCpuTime() - startCpu) / 1e6;
      wall[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT,
        "%d×%d slice, %d cells: median %.1f ms wall (min %.1f), %.1f ms CPU (min %.1f) over %d runs, %d processors%n",
        width, height, cells, wall[wall.length / 2], wall[0], cpu[cpu.length / 2], cpu[0], wall.length,
        Runtime.getRuntime().availableProcessors());
  }

  /** Cells of a random Voronoi tessellation with dark membranes, blurred. */
  static float[] synthetic(int width, int height, Random random) {
    int sites = 150;
    int[] sx = new int[sites];
    int[] sy = new int[sites];
    for (int i = 0; i < sites; i++) {
      sx[i] = random.nextInt(width);
      sy[i] = random.nextInt(height);
    }
    float[] cell = new float[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int best = Integer.MAX_VALUE;
        int second = Integer.MAX_VALUE;
        for (int i = 0; i < sites; i++) {
          int d = (x - sx[i]) * (x - sx[i]) + (y - sy[i]) * (y - sy[i]);
          if (d < best) {
            second = best;
            best = d;
          } else if (d < second) {
            second = d;
          }
        }
        double gap = Math.sqrt(second) - Math.sqrt(best);
        cell[y * width + x] = (float) Math.min(1, gap / 4 + 0.1 * random.nextDouble());
      }
    }
    return GaussianBlur.blur(cell, width, height, 1.0);
  }
}
