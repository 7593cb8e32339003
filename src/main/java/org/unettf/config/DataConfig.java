package org.unettf.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the training data lies. Paths are taken relative to the working directory. An empty
 * {@code validationSlices} means "the last 10% of the stack", resolved once the stack is read.
 */
public record DataConfig(Path images, Path labels, List<Integer> validationSlices) {}
