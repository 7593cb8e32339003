package org.unettf.cli;

import org.unettf.error.UserError;
import org.unettf.numerics.Instances;
import picocli.CommandLine.Option;

/** How cells become objects (predict --instances, evaluate): the seeded watershed's main parameters. */
final class InstanceOptions {
  private static final Instances.Parameters DEFAULTS = Instances.Parameters.defaults();

  @Option(names = "--seed-threshold", paramLabel = "P",
      description = "Cell probability above which pixels seed a cell (default: " + Instances.SEED_THRESHOLD + ").")
  Double seedThreshold;

  @Option(names = "--smooth", paramLabel = "PX",
      description = "Gaussian smoothing of the probability before seeding, in pixels (default: " + Instances.SIGMA + ").")
  Double sigma;

  @Option(names = "--merge-below", paramLabel = "P",
      description = "Lines between cells whose mean membrane probability is below this are removed (default: "
          + Instances.MERGE_BELOW + "; 0: none).")
  Double mergeBelow;

  @Option(names = "--merge-within", paramLabel = "P",
      description = "Only cells within one region of cell probability above this merge (default: "
          + Instances.MERGE_WITHIN + ").")
  Double mergeWithin;

  @Option(names = "--min-segment", paramLabel = "PIXELS",
      description = "Segments smaller than this are merged into a neighbour (default: " + Instances.MIN_SEGMENT + ").")
  Integer minSegment;

  /** Whether any of the options was given. */
  boolean given() {
    return seedThreshold != null || sigma != null || mergeBelow != null || mergeWithin != null || minSegment != null;
  }

  Instances.Parameters parameters() {
    Instances.Parameters p = DEFAULTS;
    if (seedThreshold != null) {
      if (!(seedThreshold > 0 && seedThreshold < 1)) {
        throw UserError.config("--seed-threshold: expected a probability between 0 and 1, found " + seedThreshold);
      }
      p = p.withSeeds(p.seeding(), seedThreshold, p.seedDistance(), p.minSeedSize());
    }
    if (sigma != null) {
      if (!(sigma >= 0 && sigma <= 50)) {
        throw UserError.config("--smooth: expected pixels from 0 to 50, found " + sigma);
      }
      p = p.withSigma(sigma);
    }
    if (mergeBelow != null && !(mergeBelow >= 0 && mergeBelow <= 1)) {
      throw UserError.config("--merge-below: expected a probability from 0 to 1, found " + mergeBelow);
    }
    if (mergeWithin != null && !(mergeWithin >= 0 && mergeWithin < 1)) {
      throw UserError.config("--merge-within: expected a probability from 0 to below 1, found " + mergeWithin);
    }
    if (minSegment != null && minSegment < 0) {
      throw UserError.config("--min-segment: expected a number of pixels ≥ 0, found " + minSegment);
    }
    p = p.withMerging(minSegment != null ? minSegment : p.minSegmentSize(),
        mergeBelow != null ? mergeBelow : p.mergeBelow(), mergeWithin != null ? mergeWithin : p.mergeWithin());
    return p;
  }
}
