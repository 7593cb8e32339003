package org.unettf.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unettf.numerics.Instances;
import org.unettf.numerics.Instances.Parameters;

/** The instance sweep tries the grid around the given setting and ranks its settings by what they score. */
class InstanceSweepTest {
  private static final int W = 64;
  private static final int H = 32;

  /**
   * Two cells meeting at column 32. The model is sure of both, and says 0.85 on the membrane
   * between them: merging within regions above 0.7 or 0.8 joins them, above 0.9 it does not.
   */
  private static float[] twoCells() {
    float[] cell = new float[W * H];
    for (int i = 0; i < cell.length; i++) {
      cell[i] = i % W == W / 2 ? 0.85f : 0.99f;
    }
    return cell;
  }

  private static byte[] twoCellsTruth() {
    byte[] truth = new byte[W * H];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = (byte) (i % W == W / 2 ? 0 : 1);
    }
    return truth;
  }

  @Test
  void theGridHoldsTheGivenSettingFirstAndEachOtherOnce() {
    List<Parameters> defaults = InstanceSweep.grid(Parameters.defaults());
    assertEquals(Parameters.defaults(), defaults.get(0));
    assertEquals(54, defaults.size(), "the defaults are one of the 2×3×3×3 crossed values");
    assertEquals(defaults.size(), defaults.stream().distinct().count());

    Parameters other = Parameters.defaults().withSeeds(Instances.Seeding.PROBABILITY, 0.97, 0, 1)
        .withMerging(80, 0.6, 0.8);
    List<Parameters> around = InstanceSweep.grid(other);
    assertEquals(other, around.get(0));
    assertEquals(55, around.size(), "0.97 is not among the swept seed thresholds");
    assertTrue(around.stream().allMatch(p -> p.minSegmentSize() == 80), "the smallest segment is the given one");
  }

  @Test
  void rowsAreRankedByWhatTheirCellsScoreAndTheBestSeparatesTheCells() {
    float[][] cell = {twoCells(), twoCells()};
    byte[][] truth = {twoCellsTruth(), twoCellsTruth()};
    List<Parameters> grid = InstanceSweep.grid(Parameters.defaults());
    List<Integer> progress = new ArrayList<>();
    InstanceSweep.Result sweep = InstanceSweep.sweep(cell, truth, W, H, grid, (done, total) -> {
      assertEquals(grid.size(), total);
      progress.add(done);
    });

    assertEquals(grid.size(), sweep.ranked().size());
    assertEquals(grid.size(), progress.size());
    assertEquals(grid.size(), progress.get(progress.size() - 1));
    for (int i = 1; i < sweep.ranked().size(); i++) {
      assertTrue(sweep.ranked().get(i - 1).mean() >= sweep.ranked().get(i).mean(), "ranked at " + i);
    }
    // Each row is what its setting's cells score.
    for (InstanceSweep.Row row : List.of(sweep.best(), sweep.given(), sweep.ranked().get(sweep.ranked().size() - 1))) {
      int[] labels = Instances.segment(cell[0], W, H, row.parameters()).labels();
      RandInfo scores = Evaluation.segments(truth[0], labels, W, H);
      assertEquals(scores.vRand(), row.vRand(), 1e-12);
      assertEquals(scores.vInfo(), row.vInfo(), 1e-12);
    }
    assertEquals(Parameters.defaults(), sweep.given().parameters());
    assertEquals(0.9, sweep.best().parameters().mergeWithin(), "only within 0.9 keeps the two cells apart");
    assertEquals(1.0, sweep.best().vRand(), 1e-12);
    assertTrue(sweep.given().vRand() < 0.7, "the defaults merge the two cells: " + sweep.given());
    assertTrue(sweep.rank(sweep.given()) > 1);

    InstanceSweep.Result again = InstanceSweep.sweep(cell, truth, W, H, grid, (done, total) -> { });
    assertEquals(sweep.ranked(), again.ranked(), "deterministic");

    String[] csv = InstanceSweep.csv(sweep).split("\n");
    assertEquals(grid.size() + 1, csv.length);
    assertTrue(csv[1].startsWith("1,"), csv[1]);
    assertTrue(csv[1].contains(",0.9,"), csv[1]);
  }

  @Test
  void theBestsOptionsNameItsSetting() {
    Parameters p = Parameters.defaults().withSigma(1).withSeeds(Instances.Seeding.PROBABILITY, 0.95, 0, 1)
        .withMerging(20, 0.5, 0.9);
    assertEquals("--smooth 1 --seed-threshold 0.95 --merge-below 0.5 --merge-within 0.9 --min-segment 20",
        new InstanceSweep.Row(p, 0, 0).options());
  }

  @Test
  void slicesWithoutLabelsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> InstanceSweep.sweep(new float[][] {twoCells()},
        new byte[0][], W, H, List.of(Parameters.defaults()), (done, total) -> { }));
  }
}
