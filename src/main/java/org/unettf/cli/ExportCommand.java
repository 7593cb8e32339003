package org.unettf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;
import org.unettf.error.UserError;
import org.unettf.infer.Exporter;
import org.unettf.infer.ModelCard;
import org.unettf.train.Checkpoints;
import org.unettf.train.RunDirectory;
import org.unettf.train.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a run's checkpoint as a SavedModel in TF Serving's versioned layout.")
final class ExportCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run folder.")
  Path run;

  @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "WHICH",
      description = "best, latest, or a checkpoint folder name such as step-0001000 (default: ${DEFAULT-VALUE}; latest when the run has no best).")
  String checkpoint;

  @Option(names = "--output", paramLabel = "DIR", description = "TF Serving base folder (default: RUN/savedmodel/unet).")
  Path output;

  @Option(names = "--version", paramLabel = "N", description = "Version folder number (default: one above the highest present).")
  Integer version;

  @Override
  public Integer call() {
    RunDirectory dir = RunDirectory.open(run);
    RunConfig cfg = ConfigLoader.load(dir.config());
    Checkpoints checkpoints = new Checkpoints(dir.checkpoints(), cfg.train().keepCheckpoints());
    Path chosen = switch (checkpoint) {
      case "best" -> checkpoints.best().or(checkpoints::latest).orElseThrow(() -> noCheckpoint(dir));
      case "latest" -> checkpoints.latest().orElseThrow(() -> noCheckpoint(dir));
      default -> {
        Path p = dir.checkpoints().resolve(checkpoint);
        if (!Files.isRegularFile(p.resolve("state.json"))) {
          throw UserError.model("--checkpoint: " + p + " is not a complete checkpoint of " + run);
        }
        yield p;
      }
    };
    Path base = output != null ? output : dir.savedModels();
    int v = version != null ? version : Exporter.nextVersion(base);
    if (v < 1) {
      throw UserError.config("--version: expected a number ≥ 1, found " + v);
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("run", run.toString());
    provenance.put("checkpoint", chosen.getFileName().toString());
    provenance.put("steps", Checkpoints.state(chosen).step());
    provenance.put("unet_tf", RunInfo.version());
    provenance.put("git_commit", RunInfo.gitCommit());
    ModelCard card = ModelCard.of(cfg.model(), RunInfo.normalization(dir.info()), provenance);
    Path target = Exporter.export(card, Checkpoints.prefix(chosen), base, v, cfg.runtime());
    main.out.println("exported " + chosen + " to " + target);
    main.out.println("serve it with: tensorflow_model_server --rest_api_port=8501 --model_name=unet --model_base_path="
        + base.toAbsolutePath());
    return 0;
  }

  private static UserError noCheckpoint(RunDirectory dir) {
    return UserError.model(dir.root() + " has no complete checkpoint yet");
  }
}
