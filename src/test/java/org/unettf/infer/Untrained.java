package org.unettf.infer;

import java.nio.file.Path;
import java.util.Map;
import org.unettf.config.ClassMap;
import org.unettf.config.RunConfig;
import org.unettf.data.Normalization;
import org.unettf.train.TrainingGraph;

/**
 * A checkpoint of a network as initialised, never trained, with the card to export it by: for
 * tests of how a model is stored and run, not of what it scores.
 */
record Untrained(ModelCard card, String checkpoint) {
  static Untrained save(RunConfig config, Path dir) {
    Normalization normalization = new Normalization(0.5, 0.2);
    String checkpoint = dir.resolve("ckpt").resolve("ckpt").toString();
    try (TrainingGraph graph = new TrainingGraph(config, normalization)) {
      graph.save(checkpoint);
    }
    return new Untrained(ModelCard.of(config.model(), ClassMap.binary(), normalization, Map.of()), checkpoint);
  }
}
