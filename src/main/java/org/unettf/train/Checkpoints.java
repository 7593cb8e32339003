package org.unettf.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.exceptions.TensorFlowException;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * A run's checkpoints: {@code step-NNNNNNN/} folders holding TensorFlow's variable files (weights,
 * optimizer slots, global step) and {@code state.json}. Each is written under a temporary name and
 * renamed when complete, so a crash never leaves a checkpoint half written. The newest
 * {@code keep} are kept, and the best by validation.
 */
public final class Checkpoints {
  static final String PREFIX = "ckpt";
  private final Path dir;
  private final int keep;

  /** What a checkpoint records besides the variables. */
  public record State(long step, long samples, double bestScore, long bestStep) {}

  public Checkpoints(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  /** Writes a checkpoint of {@code graph} at {@code state.step()}; returns its folder. */
  public Path save(TrainingGraph graph, State state, boolean best) {
    Path target = dir.resolve(name(state.step()));
    Path partial = AtomicFiles.partialSibling(target);
    try {
      if (!complete(target)) {
        // A complete checkpoint of this step holds these very weights (a run stopped again before
        // its next step): it stays, so that no moment exists without it.
        Files.createDirectories(partial);
        graph.save(partial.resolve(PREFIX).toString());
        Files.writeString(partial.resolve("state.json"), RunInfo.gson().toJson(state), StandardCharsets.UTF_8);
        AtomicFiles.deleteTree(target);
        AtomicFiles.move(partial, target);
      }
      AtomicFiles.writeString(dir.resolve("latest"), name(state.step()) + "\n");
      if (best) {
        AtomicFiles.writeString(dir.resolve("best"), name(state.step()) + "\n");
      }
    } catch (IOException | TensorFlowException e) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write checkpoint " + target + " (" + reason(e)
          + "); the previous checkpoints are intact");
    }
    prune();
    return target;
  }

  /** Removes what killed processes left half-written here; complete checkpoints are never touched. */
  public int cleanStale() {
    return AtomicFiles.cleanStale(dir);
  }

  /**
   * The complete checkpoint of the highest step. The {@code latest} file names it too, for people
   * and scripts, but a process killed between a checkpoint's rename and the pointer's update
   * leaves the pointer one behind; the folders themselves are the truth.
   */
  public Optional<Path> latest() {
    return all().stream().reduce((a, b) -> b);
  }

  private static boolean complete(Path checkpoint) {
    return Files.isRegularFile(checkpoint.resolve("state.json"));
  }

  public Optional<Path> best() {
    return pointer("best");
  }

  /** The TensorFlow variable-file prefix inside a checkpoint folder. */
  public static String prefix(Path checkpoint) {
    return checkpoint.resolve(PREFIX).toString();
  }

  public static State state(Path checkpoint) {
    try {
      return RunInfo.gson().fromJson(Files.readString(checkpoint.resolve("state.json")), State.class);
    } catch (IOException | RuntimeException e) {
      throw UserError.model(checkpoint + " is not a complete checkpoint (state.json: " + e.getMessage() + ")");
    }
  }

  /** Complete checkpoints, oldest first. */
  public List<Path> all() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().matches("step-\\d+"))
          .filter(Checkpoints::complete)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private Optional<Path> pointer(String name) {
    try {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      Path target = dir.resolve(Files.readString(file).trim());
      return Files.isRegularFile(target.resolve("state.json")) ? Optional.of(target) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Keeps the newest {@code keep} checkpoints and the best; the best does not count towards {@code keep}. */
  private void prune() {
    Optional<Path> best = best();
    List<Path> others = all().stream().filter(p -> !best.map(p::equals).orElse(false)).toList();
    for (Path p : others.subList(0, Math.max(0, others.size() - keep))) {
      AtomicFiles.deleteTree(p);
    }
  }

  /** The folder name of the checkpoint of {@code step}. */
  public static String name(long step) {
    return String.format("step-%07d", step);
  }

  private static String reason(Exception e) {
    return e instanceof IOException io ? AtomicFiles.describe(io) : Messages.reason(e);
  }
}
