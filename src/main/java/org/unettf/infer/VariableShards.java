package org.unettf.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.internal.types.registry.TensorTypeRegistry;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.MergeV2Checkpoints;

/**
 * Writes a SavedModel's variables as a checkpoint in several shards of at most {@link #MAX_BYTES}
 * each, {@code variables.data-0000i-of-0000n} beside one {@code variables.index}. Why: the paper's
 * 64-filter network holds 124 MB of weights, and code hosts refuse single files over 100 MB
 * (GitHub does), so the bundled model could not live in a repository. Every TensorFlow reads a V2
 * checkpoint in any number of shards; {@code Session.save} writes one only.
 */
final class VariableShards {
  /** Below GitHub's 50 MB warning, so that a version folder is pushed without complaint. */
  static final long MAX_BYTES = 48L << 20;

  private static final String PREFIX = "variables";

  private VariableShards() {}

  /**
   * Rewrites {@code variablesDir}'s checkpoint from the session's variables in shards of at most
   * {@code maxBytes} (a variable larger than that gets a shard of its own). Does nothing when one
   * shard holds them all.
   */
  static void split(Session session, Graph graph, Path variablesDir, long maxBytes) throws IOException {
    List<List<GraphOperation>> shards = new ArrayList<>();
    List<GraphOperation> current = new ArrayList<>();
    long bytes = 0;
    for (GraphOperation variable : variables(graph)) {
      long size = variable.output(0).shape().size() * TensorTypeRegistry.find(variable.output(0).dataType()).byteSize();
      if (!current.isEmpty() && bytes + size > maxBytes) {
        shards.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(variable);
      bytes += size;
    }
    shards.add(current);
    if (shards.size() == 1) {
      return;
    }
    Ops tf = Ops.create(graph).withSubScope("shards");
    Path temp = variablesDir.resolve(PREFIX + "_temp");
    List<String> parts = new ArrayList<>();
    Session.Runner save = session.runner();
    for (int i = 0; i < shards.size(); i++) {
      List<GraphOperation> shard = shards.get(i);
      String part = temp.resolve(String.format("part-%05d-of-%05d", i, shards.size())).toString();
      parts.add(part);
      List<Operand<?>> tensors = new ArrayList<>();
      shard.forEach(v -> tensors.add(v.output(0)));
      save.addTarget(tf.train.save(tf.constant(part), tf.array(shard.stream().map(GraphOperation::name)
          .toArray(String[]::new)), tf.array(shard.stream().map(v -> "").toArray(String[]::new)), tensors));
    }
    save.run();
    // The single-shard files first, or the merged index would sit beside a stale data file.
    try (Stream<Path> old = Files.list(variablesDir)) {
      for (Path file : old.filter(f -> f.getFileName().toString().startsWith(PREFIX + ".")).toList()) {
        Files.delete(file);
      }
    }
    MergeV2Checkpoints merge = tf.train.mergeV2Checkpoints(tf.array(parts.toArray(String[]::new)),
        tf.constant(variablesDir.resolve(PREFIX).toString()), MergeV2Checkpoints.deleteOldDirs(true));
    session.runner().addTarget(merge).run();
    if (Files.isDirectory(temp)) {
      Files.delete(temp);
    }
  }

  /** The graph's variables, in the order they were made (the network's, from input to output). */
  private static List<GraphOperation> variables(Graph graph) {
    List<GraphOperation> variables = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) {
        variables.add(op);
      }
    }
    return variables;
  }
}
