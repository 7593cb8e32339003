package org.unettf.infer.volume;

import java.io.PrintStream;
import org.unettf.io.ProgressLine;

/**
 * The prediction's progress line: blocks done, voxels per second and time left. On a terminal it
 * redraws one line; in a log it prints a line every {@code every} seconds and at the end.
 */
public final class VolumeProgress {
  private final ProgressLine line;
  private final long blocks;
  private final long voxels;
  private final double every;
  private final long start = System.nanoTime();
  private long done;
  private long voxelsDone;
  private double lastPrinted = Double.NEGATIVE_INFINITY;

  /** {@code blocks} and {@code voxels} to do in this run (blocks found complete excluded). */
  public VolumeProgress(PrintStream out, boolean terminal, long blocks, long voxels, double every) {
    this.line = new ProgressLine(out, terminal);
    this.blocks = blocks;
    this.voxels = voxels;
    this.every = every;
  }

  /** One more block of {@code blockVoxels} voxels is written. */
  public void done(long blockVoxels) {
    done(1, blockVoxels);
  }

  /** {@code count} more blocks of {@code blockVoxels} voxels in all are written. */
  public synchronized void done(long count, long blockVoxels) {
    done += count;
    voxelsDone += blockVoxels;
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!line.terminal() && elapsed - lastPrinted < every && done < blocks) {
      return;
    }
    lastPrinted = elapsed;
    double rate = voxelsDone / Math.max(elapsed, 1e-9);
    String eta = rate > 0 ? ProgressLine.duration((voxels - voxelsDone) / rate) : "?";
    line.draw(String.format("blocks %d/%d %s %s voxels/s  ETA %s", done, blocks, ProgressLine.bar(done, blocks),
        amount(rate), eta));
  }

  public synchronized long voxelsDone() {
    return voxelsDone;
  }

  public double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Ends the redrawn line. */
  public void finish() {
    line.finish();
  }

  /** 12.3 M, 4.56 G: voxel counts and rates for people. */
  static String amount(double value) {
    if (value >= 1e9) {
      return String.format("%.2f G", value / 1e9);
    }
    if (value >= 1e6) {
      return String.format("%.2f M", value / 1e6);
    }
    if (value >= 1e3) {
      return String.format("%.1f k", value / 1e3);
    }
    return String.format("%.0f", value);
  }

}
