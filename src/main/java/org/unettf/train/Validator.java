package org.unettf.train;

import java.util.ArrayList;
import java.util.List;
import org.unettf.config.ModelConfig;
import org.unettf.data.OverlapTile;
import org.unettf.data.Slice;
import org.unettf.metrics.Evaluation;

/** Validation: whole held-out slices predicted overlap-tile, scored by {@link Evaluation}. */
final class Validator {
  private final List<Slice> slices;
  private final ModelConfig model;
  private final OverlapTile.Plan plan;

  /** The report and the first slice's probabilities, for TensorBoard's images. */
  record Result(Evaluation.Report report, float[] firstProbabilities) {}

  Validator(List<Slice> slices, ModelConfig model, OverlapTile.Plan plan) {
    this.slices = slices;
    this.model = model;
    this.plan = plan;
  }

  Result validate(OverlapTile.TileModel network) {
    List<Evaluation.Prediction> predictions = new ArrayList<>();
    for (Slice s : slices) {
      float[] p = OverlapTile.predict(s.image(), s.width(), s.height(), model, network, plan);
      predictions.add(new Evaluation.Prediction(s.index(), s.width(), s.height(), model.classes(), p, s.labels(), s.weights()));
    }
    return new Result(Evaluation.evaluate(predictions), predictions.get(0).probabilities());
  }
}
