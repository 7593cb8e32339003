package org.unettf.infer.volume;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.unettf.infer.Predictor;

/**
 * The models of this JVM when it is a cluster worker, each loaded once, on first use.
 *
 * <p>This is the one piece of global mutable state here, and deliberately so: an engine such as
 * Spark runs many tasks in each executor JVM and gives them no place to keep a model between
 * tasks, while loading one takes seconds and its weights take memory that one copy per JVM can
 * share (a session runs from several task threads at once). The models stay until the JVM ends,
 * which is when the cluster manager ends the executor.
 */
final class ExecutorModels {
  private record Key(String model, VolumeJob.Runtime runtime) {}

  private static final Map<Key, Network> LOADED = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  static Network network(VolumeJob job) {
    return LOADED.computeIfAbsent(new Key(job.model(), job.runtime()),
        key -> Network.of(Predictor.load(Path.of(key.model()), key.runtime().config())));
  }
}
