package org.unettf.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.model.Sessions;

/**
 * Exports a checkpoint as a SavedModel in TF Serving's layout, {@code base/<version>/}, holding the
 * {@link InferenceGraph} only. The version folder appears whole or not at all: TF Serving watches
 * the base folder and must never load a half-written version.
 */
public final class Exporter {
  private Exporter() {}

  public static Path export(ModelCard card, String checkpointPrefix, Path base, int version, RuntimeConfig runtime) {
    Path target = base.resolve(String.valueOf(version));
    if (Files.exists(target)) {
      throw UserError.output(target + " exists already; choose another --version or remove it");
    }
    Path partial = base.resolve("." + version + "." + System.nanoTime() + ".partial");
    InferenceGraph inference = new InferenceGraph(card);
    try (Session session = new Session(inference.graph, Sessions.config(runtime))) {
      Files.createDirectories(base);
      session.restore(checkpointPrefix);
      SavedModelBundle.exporter(partial.toString())
          .withSession(session)
          .withSignature(inference.serving)
          .withSignature(inference.segment)
          .export();
      card.write(partial);
      AtomicFiles.move(partial, target);
      return target;
    } catch (IOException e) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write SavedModel " + target + " (" + AtomicFiles.describe(e) + ")");
    } catch (TensorFlowException e) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.model("cannot export " + checkpointPrefix + " as a SavedModel: " + firstLine(e.getMessage()));
    } finally {
      inference.graph.close();
    }
  }

  /** One above the highest numbered version folder in {@code base}; 1 for a new base. */
  public static int nextVersion(Path base) {
    if (!Files.isDirectory(base)) {
      return 1;
    }
    try (java.util.stream.Stream<Path> list = Files.list(base)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .mapToInt(Integer::parseInt).max().orElse(0) + 1;
    } catch (IOException e) {
      return 1;
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown TensorFlow error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
