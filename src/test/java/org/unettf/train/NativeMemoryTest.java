package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;
import org.unettf.data.TrainingStream;

/** TF tensors are closed as they go: 200 steps leave resident memory where it was. */
@Isbi
class NativeMemoryTest {
  /**
   * Resident memory outside the Java heap and the JVM's own areas: TensorFlow's tensors and
   * buffers. The Java heap grows and shrinks on its own schedule and would hide a native leak.
   */
  private static double nativeResidentMb() throws Exception {
    System.gc();
    // A second collection and a pause let the heap's freed pages leave the resident set first.
    Thread.sleep(200);
    System.gc();
    var memory = ManagementFactory.getMemoryMXBean();
    double jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return (Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024 - jvm) / (1 << 20);
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void residentMemoryStaysFlatOverTwoHundredSteps() throws Exception {
    RunConfig config = TestData.tinyConfig("train: {batch: 2}\n");
    TrainingSet data = TrainingSet.load(config, s -> { });
    Augmenter augmenter = new Augmenter(config.augment(), config.tile().size(), config.outputTile());
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization());
        var batches = TrainingStream.of(data.train(), augmenter, 1, 2, 16, 2, 2, 0).cursor()) {
      // Readings every 50 steps from step 100; the first only lets the allocators settle.
      double[] rss = new double[6];
      for (int step = 0; step <= 350; step++) {
        if (step >= 100 && step % 50 == 0) {
          rss[(step - 100) / 50] = nativeResidentMb();
        }
        if (step < 350) {
          List<Sample> batch = batches.next();
          graph.step(batch, 1, step, step % 10 == 0);
        }
      }
      double[] measured = Arrays.copyOfRange(rss, 1, rss.length);
      // A leak raises every later reading; one allocator's passing high-water mark raises only one,
      // so each end of the run is read as the lower of its two readings.
      int n = measured.length;
      double growth = Math.min(measured[n - 2], measured[n - 1]) - Math.min(measured[0], measured[1]);
      System.out.printf("native resident memory at steps 150..350: %s MB; growth over those 200 steps %.1f MB%n",
          Arrays.toString(Arrays.stream(measured).map(Math::round).toArray()), growth);
      assertTrue(growth < 10, "resident memory grew by " + growth + " MB over 200 steps: "
          + Arrays.toString(measured));
    }
  }
}
