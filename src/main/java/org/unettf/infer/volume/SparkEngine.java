package org.unettf.infer.volume;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.unettf.error.UserError;

/**
 * Blocks on an Apache Spark cluster: an RDD of block indices whose partitions {@link SparkBlocks}
 * predicts in the executors, each executor JVM loading the model once, and each writing its chunks
 * straight to the shared file system. The driver collects a pair of numbers per block. A failed
 * task is retried by Spark; as chunks appear whole or not at all, the retry finds what its first
 * attempt finished and writes only the rest.
 *
 * <p>Loaded only for {@code --engine spark}, by name, so that nothing else needs Spark's classes.
 */
final class SparkEngine implements Engine {
  /** How long the driver waits for a standalone master to accept a connection before giving up. */
  static final int CONNECT_TIMEOUT_MS = 5000;
  private static final String LOGGING = "org/unettf/infer/volume/spark-log4j2.properties";

  private final VolumeJob job;
  private final String master;
  private final Map<String, String> settings;
  private final PrintStream out;

  SparkEngine(VolumeJob job, String master, Map<String, String> settings, PrintStream out) {
    this.job = job;
    this.master = master;
    this.settings = settings;
    this.out = out;
  }

  @Override
  public void run(long[] blocks, VolumeProgress progress) {
    quietLogging();
    // spark.* system properties (spark-submit's --conf arrive so) come first, then --spark-conf, then --master.
    SparkConf conf = new SparkConf();
    settings.forEach(conf::set);
    if (master != null) {
      conf.setMaster(master);
    }
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", "unet-tf predict " + job.target().path());
    checkReachable(conf.get("spark.master"));
    if (blocks.length == 0) {
      return;
    }
    SparkContext context = SparkContext.getOrCreate(conf);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(context);
    try {
      out.printf("spark: master %s, default parallelism %d, application %s%n", context.master(),
          sc.defaultParallelism(), context.applicationId());
      List<Long> list = new ArrayList<>(blocks.length);
      for (long b : blocks) {
        list.add(b);
      }
      // Several tasks per core even out blocks of unequal cost; each task reuses its executor's model.
      int partitions = (int) Math.min(blocks.length, Math.max(1, sc.defaultParallelism()) * 4L);
      JavaFutureAction<List<long[]>> action = sc.parallelize(list, partitions).mapPartitions(new SparkBlocks(job))
          .collectAsync();
      // Tasks report only when they end, so the line moves by finished tasks' share of the blocks.
      long perTask = job.grid().voxels() / Math.max(1, job.grid().count()) * blocks.length / partitions;
      long reportedBlocks = 0;
      long reportedVoxels = 0;
      while (!action.isDone()) {
        Thread.sleep(500);
        int finished = Math.min(finishedTasks(sc, action), partitions - 1);
        long blocksNow = (long) finished * blocks.length / partitions;
        if (blocksNow > reportedBlocks) {
          progress.done(blocksNow - reportedBlocks, finished * perTask - reportedVoxels);
          reportedBlocks = blocksNow;
          reportedVoxels = finished * perTask;
        }
      }
      List<long[]> results = action.get();
      long voxels = results.stream().mapToLong(r -> r[1]).sum();
      progress.done(results.size() - reportedBlocks, Math.max(0, voxels - reportedVoxels));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Spark ran the blocks", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    } finally {
      sc.stop();
    }
  }

  private static int finishedTasks(JavaSparkContext sc, JavaFutureAction<?> action) {
    int finished = 0;
    for (int id : action.jobIds()) {
      SparkJobInfo info = sc.statusTracker().getJobInfo(id);
      if (info == null) {
        continue;
      }
      for (int stage : info.stageIds()) {
        SparkStageInfo s = sc.statusTracker().getStageInfo(stage);
        if (s != null) {
          finished += s.numCompletedTasks();
        }
      }
    }
    return finished;
  }

  /** A task's own failure (a missing chunk, say) as this tool reports it, rather than Spark's wrapping. */
  private static RuntimeException unwrap(ExecutionException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError u) {
        return u;
      }
      if (t instanceof OutOfMemoryError o) {
        throw o;
      }
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
  }

  /**
   * Spark's driver retries a standalone master for a minute before it gives up; a master that does
   * not answer within a few seconds is reported at once instead.
   */
  static void checkReachable(String url) {
    if (!url.startsWith("spark://")) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (String address : url.substring("spark://".length()).split(",")) {
      int colon = address.lastIndexOf(':');
      String host = colon < 0 ? address : address.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw UserError.config("--master: expected spark://HOST:PORT, found '" + url + "'");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return;
      } catch (SocketTimeoutException e) {
        failures.add(address + " (no answer within " + CONNECT_TIMEOUT_MS / 1000 + " s)");
      } catch (IOException | IllegalArgumentException e) {
        failures.add(address + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
      }
    }
    throw UserError.config("--master " + url + ": no Spark master answers at " + String.join(", ", failures)
        + "; start the master (sbin/start-master.sh) or correct the URL");
  }

  /**
   * Spark logs every task at INFO, which would bury the progress line; unless the user configured
   * logging, warnings and errors go to stderr. Spark leaves a configuration it did not make alone.
   */
  private static void quietLogging() {
    if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOGGING);
    }
    // Logging started before (by a library of this JVM) keeps log4j's default setup; make that quiet too.
    if (LogManager.getContext(false) instanceof LoggerContext context
        && context.getConfiguration() instanceof DefaultConfiguration) {
      Configurator.setRootLevel(Level.WARN);
    }
  }
}
