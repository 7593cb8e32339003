package org.unettf.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;

/**
 * Prints the challenge's scores of a cell-probability stack against ISBI 2012 labels, over a
 * range of slices: {@code IsbiFigures labels.tif probabilities.tif first last}. Not a test: it
 * needs the data set, which is not part of the repository.
 */
public final class IsbiFigures {
  private IsbiFigures() {}

  public static void main(String[] args) {
    LabelStack labels = StackReader.readLabels(Path.of(args[0]), "labels");
    ImageStack cells = StackReader.readImages(Path.of(args[1]), "probabilities", notice -> {});
    int first = Integer.parseInt(args[2]);
    int last = Integer.parseInt(args[3]);
    List<Evaluation.Prediction> predictions = new ArrayList<>();
    for (int z = first; z <= last; z++) {
      float[] cell = cells.slices()[z];
      float[] two = new float[cell.length * 2];
      for (int i = 0; i < cell.length; i++) {
        two[2 * i] = 1 - cell[i];
        two[2 * i + 1] = cell[i];
      }
      predictions.add(new Evaluation.Prediction(z, labels.width(), labels.height(), 2, two, labels.slices()[z], null));
    }
    long start = System.nanoTime();
    Evaluation.Report r = Evaluation.evaluate(predictions);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "slices %d-%d, evaluated in %.2f s%n", first, last, seconds);
    System.out.printf(Locale.ROOT, "V_rand %.4f (threshold %.1f)  V_info %.4f (threshold %.1f)%n",
        r.vRand(), r.randThreshold(), r.vInfo(), r.infoThreshold());
    System.out.printf(Locale.ROOT, "thinned V_rand %.4f (threshold %.1f)  V_info %.4f (threshold %.1f)%n",
        r.vRandThinned(), r.randThinnedThreshold(), r.vInfoThinned(), r.infoThinnedThreshold());
    for (Evaluation.SliceScores s : r.slices()) {
      System.out.printf(Locale.ROOT, "  slice %2d: V_rand %.4f V_info %.4f thinned %.4f %.4f%n", s.slice(), s.vRand(),
          s.vInfo(), s.vRandThinned(), s.vInfoThinned());
    }
  }
}
