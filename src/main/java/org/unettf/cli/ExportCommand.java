package org.unettf.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;
import org.unettf.data.OverlapTile;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.error.UserError;
import org.unettf.infer.BioImageIo;
import org.unettf.infer.Exporter;
import org.unettf.infer.ModelCard;
import org.unettf.infer.OnnxExporter;
import org.unettf.infer.RunExport;
import org.unettf.numerics.Mirror;
import org.unettf.train.Checkpoints;
import org.unettf.train.Provenance;
import org.unettf.train.RunDirectory;
import org.unettf.train.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Export a run's checkpoint as a SavedModel in TF Serving's versioned layout, as an ONNX model, or as a "
        + "bioimage.io package.")
final class ExportCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run folder.")
  Path run;

  @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "WHICH",
      description = "best, latest, or a step: step-1000 (or its folder name step-0001000) (default: ${DEFAULT-VALUE}; latest when the run has no best).")
  String checkpoint;

  @Option(names = "--output", paramLabel = "PATH",
      description = "savedmodel: TF Serving base folder (default: RUN/savedmodel/unet); onnx: the .onnx file (default: "
          + "RUN/onnx/<run>.onnx); bioimageio: the .zip (default: RUN/bioimageio/<run>.zip).")
  Path output;

  @Option(names = "--model-version", paramLabel = "N",
      description = "TF Serving version folder number (default: one above the highest present).")
  Integer version;

  @Option(names = "--tile", paramLabel = "PX",
      description = "savedmodel: serving_default takes PX×PX tiles only, a static shape for runtimes that want one (default: any accepted size).")
  Integer tile;

  @Option(names = "--format", defaultValue = "savedmodel", paramLabel = "FORMAT",
      description = "savedmodel (TF Serving layout), onnx (one .onnx file for ONNX Runtime) or bioimageio (a model "
          + "package zip with SavedModel and ONNX weights); default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--opset", paramLabel = "N",
      description = "onnx, bioimageio: the ONNX opset, " + OnnxExporter.MIN_OPSET + " to " + OnnxExporter.MAX_OPSET
          + " (default: " + OnnxExporter.DEFAULT_OPSET + ").")
  Integer opset;

  @Option(names = "--name", paramLabel = "TEXT", description = "bioimageio: the model's name (default: from the run).")
  String name;

  @Option(names = "--author", paramLabel = "NAME", description = "bioimageio: an author; repeat for several (default: the user's name).")
  List<String> authors;

  @Option(names = "--input-max", defaultValue = "255", paramLabel = "V",
      description = "bioimageio: the largest raw intensity, 255 for 8-bit or 65535 for 16-bit images (default: ${DEFAULT-VALUE}).")
  double inputMaximum;

  @Override
  public Integer call() {
    if (!List.of("savedmodel", "onnx", "bioimageio").contains(format)) {
      throw UserError.config("--format: expected savedmodel, onnx or bioimageio, found '" + format + "'");
    }
    if (opset != null && format.equals("savedmodel")) {
      throw UserError.config("--opset: for --format onnx or bioimageio, found it with --format savedmodel");
    }
    int onnxOpset = opset != null ? opset : OnnxExporter.DEFAULT_OPSET;
    OnnxExporter.checkOpset(onnxOpset);
    if (version != null && version < 1) {
      throw UserError.config("--model-version: expected a number ≥ 1, found " + version);
    }
    if (!(inputMaximum > 0)) {
      throw UserError.config("--input-max: expected a positive number, found " + inputMaximum);
    }
    if (!checkpoint.matches("best|latest|(step-)?\\d{1,18}")) {
      throw UserError.config("--checkpoint: expected best, latest or step-N, found '" + checkpoint + "'");
    }
    RunDirectory dir = RunDirectory.open(run);
    RunConfig cfg = ConfigLoader.load(dir.config());
    Checkpoints checkpoints = new Checkpoints(dir.checkpoints(), cfg.train().keepCheckpoints());
    Path chosen = switch (checkpoint) {
      case "best" -> checkpoints.best().or(checkpoints::latest).orElseThrow(() -> noCheckpoint(dir));
      case "latest" -> checkpoints.latest().orElseThrow(() -> noCheckpoint(dir));
      default -> atStep(checkpoints, checkpoint);
    };
    Path base = output != null ? output : dir.savedModels();
    int v = version != null ? version : Exporter.nextVersion(base);
    ModelCard card = RunExport.card(cfg, dir, chosen);
    if (tile != null) {
      if (!cfg.model().acceptsInput(tile)) {
        throw UserError.config("--tile: expected a size the network accepts (nearest valid sizes: "
            + cfg.model().validInputsNear(tile).stream().map(String::valueOf).collect(Collectors.joining(", "))
            + "), found " + tile);
      }
      int smallest = OverlapTile.inputSize(cfg.model(), cfg.model().alignment(), Integer.MAX_VALUE);
      if (tile < smallest) {
        // Tiles must step by the pooling grid, so their outputs must span at least one step of it.
        throw UserError.config("--tile: " + tile + " px tiles give outputs narrower than the network's pooling grid ("
            + cfg.model().alignment() + " px); use " + smallest + " or more");
      }
      card = card.withFixedTile(tile);
    }
    if (format.equals("bioimageio")) {
      return exportPackage(dir, cfg, card, chosen, onnxOpset);
    }
    if (format.equals("onnx")) {
      Path file = output != null ? output : dir.root().resolve("onnx").resolve(dir.root().getFileName() + ".onnx");
      OnnxExporter.export(card, Checkpoints.prefix(chosen), file, OnnxExporter.Variant.SERVING_DEFAULT, onnxOpset,
          cfg.runtime());
      main.out.println("exported " + chosen + " as ONNX (opset " + onnxOpset + ") to " + file);
      main.out.println("predict with it: unet-tf predict --model " + file + " --input IMAGES --output FILE");
      return 0;
    }
    Path target = Exporter.export(card, Checkpoints.prefix(chosen), base, v, cfg.runtime());
    main.out.println("exported " + chosen + " to " + target);
    main.out.println("serve it with: tensorflow_model_server --rest_api_port=8501 --model_name=unet --model_base_path="
        + base.toAbsolutePath());
    return 0;
  }

  private int exportPackage(RunDirectory dir, RunConfig cfg, ModelCard card, Path checkpoint, int onnxOpset) {
    Path target = output != null ? output
        : dir.root().resolve("bioimageio").resolve(dir.root().getFileName() + ".zip");
    TrainingSet data = TrainingSet.load(cfg, dir.weightMaps(), s -> { });
    Slice slice = data.validation().get(0);
    int edge = Math.max(BioImageIo.testEdge(card.model()), Math.min(256, Math.min(slice.width(), slice.height())));
    int x0 = (slice.width() - edge) / 2;
    int y0 = (slice.height() - edge) / 2;
    float[] test = Mirror.crop(slice.image(), slice.width(), slice.height(), slice.channels(), x0, y0,
        edge, edge);
    String metrics = "";
    if (Files.isRegularFile(dir.metrics())) {
      try {
        var json = RunInfo.gson().fromJson(Files.readString(dir.metrics()), JsonObject.class);
        metrics = String.format("On the run's validation slices %s: pixel accuracy %.4f, pixel error %.4f, V_rand %.4f, "
            + "V_info %.4f.", data.validation().stream().map(Slice::index).toList(), json.get("pixel_accuracy").getAsDouble(),
            json.get("pixel_error").getAsDouble(), json.get("v_rand").getAsDouble(), json.get("v_info").getAsDouble());
      } catch (IOException | RuntimeException e) {
        metrics = "";
      }
    }
    List<String> classNames = cfg.data().classes().names();
    BioImageIo.Description about = new BioImageIo.Description(
        name != null ? name : "U-Net " + dir.root().getFileName() + " (unet-tf)",
        "A 2D U-Net (Ronneberger et al. 2015) that segments " + String.join(" and ", classNames)
            + " in grey images, trained with unet-tf.",
        authors != null && !authors.isEmpty() ? authors : List.of(System.getProperty("user.name", "unet-tf user")),
        classNames, inputMaximum,
        "Images " + cfg.data().images() + " and labels " + cfg.data().labels() + "; trained on slices "
            + data.train().stream().map(Slice::index).toList() + ".",
        metrics);
    BioImageIo.write(card, Checkpoints.prefix(checkpoint), about, test, edge, edge, onnxOpset, cfg.runtime(), target);
    main.out.println("exported " + checkpoint + " as a bioimage.io model package: " + target);
    return 0;
  }

  /** A checkpoint named by its step, "step-1500", "step-0001500" or "1500" alike. */
  private Path atStep(Checkpoints checkpoints, String name) {
    long step = Long.parseLong(name.replaceFirst("^step-", ""));
    List<Path> all = checkpoints.all();
    return all.stream().filter(p -> p.getFileName().toString().equals(Checkpoints.name(step))).findFirst()
        .orElseThrow(() -> UserError.model("--checkpoint: " + run + " holds no complete checkpoint of step " + step
            + "; it keeps: " + (all.isEmpty() ? "none"
                : all.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")))));
  }

  private static UserError noCheckpoint(RunDirectory dir) {
    return UserError.model(dir.root() + " has no complete checkpoint yet");
  }
}
