package org.unettf.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the training data lies, as one image source and one label source ({@code images},
 * {@code labels}: stacks, single slices, or folders paired by file name), or as a list of such
 * {@code pairs}. Paths are taken relative to the working directory. An empty
 * {@code validationSlices} means "the last 10% of the slices", resolved once they are read.
 */
public record DataConfig(Path images, Path labels, List<Pair> pairs, ClassMap classes, List<Integer> validationSlices) {

  /** One image source and its labels. */
  public record Pair(Path images, Path labels) {}

  /** The sources to read, in order: {@code pairs}, or the single {@code images}/{@code labels} pair. */
  public List<Pair> sources() {
    return pairs.isEmpty() ? List.of(new Pair(images, labels)) : pairs;
  }
}
