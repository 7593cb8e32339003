package org.unettf.config;

/** A whole training run's configuration, validated at load; see {@link ConfigLoader}. */
public record RunConfig(
    ModelConfig model,
    DataConfig data,
    TileConfig tile,
    WeightMapConfig weights,
    AugmentConfig augment,
    TrainConfig train,
    OutputConfig output,
    RuntimeConfig runtime) {

  /** Output edge of a training tile. */
  public int outputTile() {
    return model.outputSize(tile.size());
  }
}
