package org.unettf.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/** A run's output folder and the names of everything a run writes into it. */
public record RunDirectory(Path root) {

  /**
   * Creates a new run folder, filled by {@code populate} (config, provenance, weight maps) before
   * it appears under its name: a process killed meanwhile leaves only a hidden temporary, never a
   * run folder that {@code --resume} cannot read. An existing one is refused unless
   * {@code overwrite}, in which case it is replaced.
   */
  public static RunDirectory create(Path root, boolean overwrite, Consumer<RunDirectory> populate) {
    if (Files.exists(root) && !overwrite) {
      throw UserError.output(root + " exists already; give train --resume " + root
          + " to continue that run, --overwrite to replace it, or choose another output.name");
    }
    Path partial = AtomicFiles.partialSibling(root);
    try {
      Files.createDirectories(root.toAbsolutePath().getParent());
      AtomicFiles.cleanStale(root.toAbsolutePath().getParent());
      Files.createDirectories(partial.resolve("logs"));
    } catch (IOException e) {
      throw UserError.output("cannot create run folder " + root + " (" + AtomicFiles.describe(e) + ")");
    }
    if (!Files.isWritable(partial)) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write to run folder " + root + " (permission denied)");
    }
    try {
      populate.accept(new RunDirectory(partial));
      AtomicFiles.deleteTree(root);
      AtomicFiles.move(partial, root);
    } catch (IOException e) {
      throw UserError.output("cannot create run folder " + root + " (" + AtomicFiles.describe(e) + ")");
    } finally {
      AtomicFiles.deleteQuietly(partial);
    }
    return new RunDirectory(root);
  }

  /** An existing run, for --resume and export. */
  public static RunDirectory open(Path root) {
    if (!Files.isDirectory(root) || !Files.isRegularFile(root.resolve("config.yaml"))) {
      throw UserError.input(root + " is not a run folder (it has no config.yaml)");
    }
    return new RunDirectory(root);
  }

  public Path config() {
    return root.resolve("config.yaml");
  }

  public Path info() {
    return root.resolve("run.json");
  }

  public Path trainLogs() {
    return root.resolve("logs").resolve("train");
  }

  public Path validationLogs() {
    return root.resolve("logs").resolve("validation");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path weightMaps() {
    return root.resolve("weight-maps.tif");
  }

  public Path weightMapPicture() {
    return root.resolve("weight-map.png");
  }

  public Path history() {
    return root.resolve("history.csv");
  }

  public Path curves() {
    return root.resolve("curves.png");
  }

  public Path metrics() {
    return root.resolve("metrics.json");
  }

  /** TF Serving's model base path: it holds one folder per version. */
  public Path savedModels() {
    return root.resolve("savedmodel").resolve("unet");
  }

  public Path bestSavedModels() {
    return root.resolve("savedmodel").resolve("unet-best");
  }
}
