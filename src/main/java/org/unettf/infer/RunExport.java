package org.unettf.infer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.config.RunConfig;
import org.unettf.train.Checkpoints;
import org.unettf.train.Provenance;
import org.unettf.train.RunDirectory;
import org.unettf.train.RunInfo;
import org.unettf.train.Trainer;

/** A run's checkpoints as models: the card each export carries, and the SavedModels a finished run writes. */
public final class RunExport {
  private RunExport() {}

  /**
   * The card of {@code checkpoint}: the run's network, the normalisation and class weights its
   * run.json recorded, and where the model came from.
   */
  public static ModelCard card(RunConfig cfg, RunDirectory run, Path checkpoint) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("run", run.root().toString());
    provenance.put("checkpoint", checkpoint.getFileName().toString());
    provenance.put("steps", Checkpoints.state(checkpoint).step());
    provenance.putAll(Provenance.current().environment());
    return ModelCard.of(cfg.model(), cfg.data().classes(), RunInfo.normalization(run.info()), provenance)
        .withCalibration(cfg.weights().calibration(RunInfo.classWeights(run.info())));
  }

  /** The last step's SavedModel, and the best validation's where that is another step; what was written. */
  public static List<String> models(RunConfig cfg, RunDirectory run, Trainer.Outcome outcome) {
    List<String> written = new ArrayList<>();
    Path last = export(cfg, run, outcome.lastCheckpoint(), run.savedModels());
    written.add("SavedModel: " + last);
    if (outcome.bestCheckpoint().isPresent() && !outcome.bestCheckpoint().get().equals(outcome.lastCheckpoint())) {
      Path best = export(cfg, run, outcome.bestCheckpoint().get(), run.bestSavedModels());
      written.add("best SavedModel (by validation): " + best);
    }
    return written;
  }

  private static Path export(RunConfig cfg, RunDirectory run, Path checkpoint, Path base) {
    return Exporter.export(card(cfg, run, checkpoint), Checkpoints.prefix(checkpoint), base, Exporter.nextVersion(base),
        cfg.runtime());
  }
}
