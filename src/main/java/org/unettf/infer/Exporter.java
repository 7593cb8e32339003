package org.unettf.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.model.Sessions;
import org.unettf.model.Tuning;

/**
 * Exports a checkpoint as a SavedModel in TF Serving's layout, {@code base/<version>/}, holding the
 * {@link InferenceGraph} only, its variables in {@link VariableShards} small enough for any code
 * host. The version folder appears whole or not at all: TF Serving watches
 * the base folder and must never load a half-written version.
 */
public final class Exporter {
  private Exporter() {}

  public static Path export(ModelCard card, String checkpointPrefix, Path base, int version, RuntimeConfig runtime) {
    return export(card, checkpointPrefix, base, version, runtime, false);
  }

  /**
   * As {@link #export(ModelCard, String, Path, int, RuntimeConfig)}; with {@code anySizeDefault},
   * {@code serving_default} is the any-size {@code segment} signature, for consumers (such as
   * bioimage.io's) that call only the default one.
   */
  public static Path export(ModelCard card, String checkpointPrefix, Path base, int version, RuntimeConfig runtime,
      boolean anySizeDefault) {
    return export(card, checkpointPrefix, base, version, runtime, anySizeDefault, VariableShards.MAX_BYTES);
  }

  /** As above, with the variables in shards of at most {@code maxShardBytes} each. */
  static Path export(ModelCard card, String checkpointPrefix, Path base, int version, RuntimeConfig runtime,
      boolean anySizeDefault, long maxShardBytes) {
    Path target = base.resolve(String.valueOf(version));
    if (Files.exists(target)) {
      throw UserError.output(target + " exists already; choose another --model-version or remove it");
    }
    AtomicFiles.cleanStale(base);
    Path partial = AtomicFiles.partialSibling(target);
    InferenceGraph inference = new InferenceGraph(card, anySizeDefault, Tuning.plain());
    try (Session session = new Session(inference.graph, Sessions.config(runtime))) {
      Files.createDirectories(base);
      session.restore(checkpointPrefix);
      SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(partial.toString()).withSession(session);
      inference.signatures.forEach(exporter::withSignature);
      exporter.export();
      VariableShards.split(session, inference.graph, partial.resolve("variables"), maxShardBytes);
      stripDefaultAttributes(partial.resolve("saved_model.pb"));
      card.write(partial);
      AtomicFiles.move(partial, target);
      return target;
    } catch (IOException e) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write SavedModel " + target + " (" + AtomicFiles.describe(e) + ")");
    } catch (TensorFlowException e) {
      AtomicFiles.deleteQuietly(partial);
      if (Messages.diskFull(e)) {
        throw UserError.output("cannot write SavedModel " + target + " (" + Messages.reason(e) + ")");
      }
      throw UserError.model("cannot export " + checkpointPrefix + " as a SavedModel: " + Messages.firstLine(e.getMessage()));
    } finally {
      inference.graph.close();
    }
  }

  /**
   * Removes every node attribute whose value is its op's registered default, as Python's
   * {@code strip_default_attrs} does: an older runtime that does not know an attribute added later
   * then loads the graph without complaint, using the same default.
   */
  static void stripDefaultAttributes(Path savedModelPb) throws IOException {
    Map<String, OpDef> ops = new HashMap<>();
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
      ops.put(op.getName(), op);
    }
    SavedModel.Builder model = SavedModel.parseFrom(Files.readAllBytes(savedModelPb)).toBuilder();
    for (MetaGraphDef.Builder meta : model.getMetaGraphsBuilderList()) {
      for (NodeDef.Builder node : meta.getGraphDefBuilder().getNodeBuilderList()) {
        OpDef op = ops.get(node.getOp());
        if (op == null) {
          continue;
        }
        for (OpDef.AttrDef attr : op.getAttrList()) {
          AttrValue value = node.getAttrMap().get(attr.getName());
          if (attr.hasDefaultValue() && value != null && value.equals(attr.getDefaultValue())) {
            node.removeAttr(attr.getName());
          }
        }
      }
    }
    Files.write(savedModelPb, model.build().toByteArray());
  }

  /** One above the highest numbered version folder in {@code base}; 1 for a new base. */
  public static int nextVersion(Path base) {
    if (!Files.isDirectory(base)) {
      return 1;
    }
    try (Stream<Path> list = Files.list(base)) {
      long highest = list.map(Exporter::version).filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong)
          .max().orElse(0);
      if (highest >= Integer.MAX_VALUE) {
        throw UserError.output(base + " holds version " + highest + ", the highest a version folder here can be; "
            + "give --model-version N for a lower free number");
      }
      return (int) highest + 1;
    } catch (IOException e) {
      return 1;
    }
  }

  /**
   * A TF Serving version folder's number: its name as a positive integer that fits a long, as TF
   * Serving itself reads them. Other names (also digits beyond a long's range) are no version.
   */
  static OptionalLong version(Path folder) {
    String name = folder.getFileName().toString();
    if (!name.matches("\\d{1,19}")) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(name));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
