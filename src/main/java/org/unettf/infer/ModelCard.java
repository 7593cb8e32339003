package org.unettf.infer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.unettf.config.ClassMap;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ConfigWriter;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;
import org.unettf.error.UserError;

/**
 * What a consumer of an exported SavedModel needs beyond TensorFlow's signature: the network's
 * shape (for tiling), its normalisation and provenance. Stored as
 * {@code assets.extra/unet-tf.json}, a folder TF Serving leaves alone.
 */
public record ModelCard(
    String format, ModelConfig model, ClassMap classes, double mean, double std, double[] prior, int margin,
    int alignment, int smallestInput, int fixedTile, Map<String, Object> provenance) {

  public static final String FORMAT = "unet-tf/1";
  static final String FILE = "assets.extra/unet-tf.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .setObjectToNumberStrategy(com.google.gson.ToNumberPolicy.LONG_OR_DOUBLE).create();

  public static ModelCard of(ModelConfig model, ClassMap classes, Normalization normalization,
      Map<String, Object> provenance) {
    return new ModelCard(FORMAT, model, classes, normalization.mean(), normalization.std(), null, model.margin(),
        model.alignment(), model.smallestInput(), 0, provenance);
  }

  /** This card for a SavedModel whose {@code serving_default} takes {@code tile} px inputs only. */
  public ModelCard withFixedTile(int tile) {
    return new ModelCard(format, model, classes, mean, std, prior, margin, alignment, smallestInput, tile, provenance);
  }

  /** This card for a model whose probabilities have the class weights {@code prior} divided out (null: none). */
  public ModelCard withPrior(double[] classWeights) {
    return new ModelCard(format, model, classes, mean, std, classWeights, margin, alignment, smallestInput, fixedTile,
        provenance);
  }

  public Normalization normalization() {
    return new Normalization(mean, std);
  }

  void write(Path savedModel) throws IOException {
    Path file = savedModel.resolve(FILE);
    Files.createDirectories(file.getParent());
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("format", format);
    json.put("model", ConfigWriter.toMap(model));
    json.put("classes", classes.names());
    json.put("mask_values", classes.values());
    json.put("normalization", Map.of("mean", mean, "std", std));
    json.put("margin", margin);
    json.put("alignment", alignment);
    json.put("smallest_input", smallestInput);
    json.put("fixed_tile", fixedTile);
    if (prior != null) {
      json.put("prior_correction", prior);
    }
    json.put("provenance", provenance);
    Files.writeString(file, GSON.toJson(json) + "\n");
  }

  /** Reads the card of a SavedModel folder, naming what is wrong if it cannot. */
  @SuppressWarnings("unchecked")
  public static ModelCard read(Path savedModel) {
    Path file = savedModel.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw UserError.model(savedModel + " has no " + FILE + ": it is not a SavedModel exported by unet-tf, so its "
          + "tiling geometry is unknown");
    }
    try {
      Map<String, Object> json = GSON.fromJson(Files.readString(file), Map.class);
      if (!FORMAT.equals(json.get("format"))) {
        throw UserError.model(file + ": unknown format '" + json.get("format") + "', expected " + FORMAT);
      }
      Map<String, Object> model = (Map<String, Object>) json.get("model");
      ModelConfig spec = ConfigLoader.parseModel(ConfigWriter.toYaml(Map.of("model", model)), file.toString());
      Map<String, Object> n = (Map<String, Object>) json.get("normalization");
      Map<String, Object> provenance = (Map<String, Object>) json.getOrDefault("provenance", Map.of());
      ClassMap classes = ClassMap.binary();
      if (json.get("classes") instanceof java.util.List<?> names && json.get("mask_values") instanceof java.util.List<?> values) {
        classes = new ClassMap(values.stream().map(v -> ((Number) v).intValue()).toList(),
            names.stream().map(String::valueOf).toList());
      }
      if (classes.size() != spec.classes()) {
        throw UserError.model(file + ": " + classes.size() + " class names for a " + spec.classes() + "-class model");
      }
      int fixed = json.get("fixed_tile") instanceof Number f ? f.intValue() : 0;
      double[] prior = json.get("prior_correction") instanceof java.util.List<?> p
          ? p.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray()
          : null;
      return of(spec, classes,
          new Normalization(((Number) n.get("mean")).doubleValue(), ((Number) n.get("std")).doubleValue()), provenance)
          .withFixedTile(fixed).withPrior(prior);
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.model(file + " is damaged (" + e.getMessage() + ")");
    }
  }

}
