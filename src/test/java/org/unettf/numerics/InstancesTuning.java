package org.unettf.numerics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;
import org.unettf.metrics.Evaluation;
import org.unettf.numerics.Instances.Parameters;
import org.unettf.numerics.Instances.Seeding;

/**
 * Scores instance parameters on a range of ISBI 2012 slices:
 * {@code InstancesTuning labels.tif probabilities.tif first last [grid]}. Without "grid" it
 * scores the defaults; with it, a grid around them. Not a test: it needs the data set.
 */
public final class InstancesTuning {
  private InstancesTuning() {}

  public static void main(String[] args) {
    LabelStack labels = StackReader.readLabels(Path.of(args[0]), "labels");
    ImageStack cells = StackReader.readImages(Path.of(args[1]), "probabilities", notice -> {});
    int first = Integer.parseInt(args[2]);
    int last = Integer.parseInt(args[3]);
    List<Parameters> grid = new ArrayList<>();
    if (args.length > 4) {
      for (String line : args[4].split(";")) {
        String[] f = line.trim().split("\\s+");
        grid.add(new Parameters(Double.parseDouble(f[0]), Seeding.valueOf(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), 0.5));
      }
    } else {
      grid.add(Parameters.defaults());
    }
    int n = last - first + 1;
    byte[][] truth = new byte[n][];
    for (int z = first; z <= last; z++) {
      truth[z - first] = labels.slices()[z];
    }
    for (Parameters p : grid) {
      int[][] segments = new int[n][];
      IntStream.range(0, n).parallel().forEach(i ->
          segments[i] = Instances.segment(cells.slices()[first + i], labels.width(), labels.height(), p).labels());
      Evaluation.SegmentScores s = Evaluation.segments(truth, segments, labels.width(), labels.height());
      System.out.printf(Locale.ROOT, "%-4.2f %-11s %-5.3f %-4.1f %4d %4d %4.2f %4.2f  V_rand %.5f  V_info %.5f  mean %.5f%n",
          p.sigma(), p.seeding(), p.seedThreshold(), p.seedDistance(), p.minSeedSize(), p.minSegmentSize(), p.mergeBelow(), p.mergeWithin(),
          s.vRand(), s.vInfo(), (s.vRand() + s.vInfo()) / 2);
    }
  }
}
