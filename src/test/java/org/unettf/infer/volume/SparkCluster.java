package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unettf.io.AtomicFiles;

/**
 * A real Spark standalone cluster on the loopback interface: a master and workers, each its own JVM
 * started from this test's class path. Workers launch executors from a Spark home, so one is made
 * in a temporary folder whose {@code jars/} links the class path's jars; the application's own
 * classes reach the executors through {@code spark.executor.extraClassPath}. Closing stops every
 * process it started, executors included.
 */
final class SparkCluster implements AutoCloseable {
  private static final Pattern MASTER = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");

  private final Path home;
  private final List<Process> daemons = new ArrayList<>();
  private final String url;

  private SparkCluster(Path home, int workers, int cores) throws IOException, InterruptedException {
    this.home = home;
    List<String> classPath = classPath();
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    for (String entry : classPath) {
      Path file = Path.of(entry);
      if (Files.isRegularFile(file) && entry.endsWith(".jar") && !Files.exists(jars.resolve(file.getFileName()))) {
        Files.createSymbolicLink(jars.resolve(file.getFileName()), file.toAbsolutePath());
      }
    }
    Path masterLog = home.resolve("master.log");
    start(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0", "--webui-port",
        "0");
    url = await(masterLog, MASTER, 60).group(1);
    for (int i = 0; i < workers; i++) {
      Path work = Files.createDirectories(home.resolve("work-" + i));
      Path log = home.resolve("worker-" + i + ".log");
      start(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
          "--cores", String.valueOf(cores), "--memory", "2g", "--work-dir", work.toString(), url);
      await(log, Pattern.compile("Successfully registered with master"), 60);
    }
  }

  static SparkCluster start(Path home, int workers, int cores) throws IOException, InterruptedException {
    return new SparkCluster(home, workers, cores);
  }

  String url() {
    return url;
  }

  /** The settings a driver in this JVM needs: loopback addresses, and the application's classes for executors. */
  List<String> driverSettings() {
    List<String> out = new ArrayList<>();
    for (String setting : List.of("spark.driver.host=127.0.0.1", "spark.driver.bindAddress=127.0.0.1",
        "spark.ui.enabled=false", "spark.executor.memory=1g",
        "spark.executor.extraClassPath=" + String.join(File.pathSeparator, directories()))) {
      out.add("--spark-conf");
      out.add(setting);
    }
    return out;
  }

  /** The test class path, which surefire passes in a property when the JVM's own is a manifest-only jar. */
  static List<String> classPath() {
    String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ArrayList<>(new LinkedHashSet<>(List.of(path.split(File.pathSeparator))));
  }

  private static List<String> directories() {
    return classPath().stream().filter(e -> Files.isDirectory(Path.of(e))).toList();
  }

  private void start(Path log, String main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", String.join(File.pathSeparator, classPath()), main));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    daemons.add(pb.start());
  }

  private Matcher await(Path log, Pattern line, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = line.matcher(text);
      if (m.find()) {
        return m;
      }
      for (Process p : daemons) {
        assertTrue(p.isAlive(), () -> "a Spark daemon ended early:\n" + text);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(line + " not seen in " + log + " within " + seconds + " s:\n" + Files.readString(log));
  }

  /** Processes this cluster started that are still running, executors included. */
  List<ProcessHandle> running() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : daemons) {
      p.descendants().filter(ProcessHandle::isAlive).forEach(out::add);
      if (p.isAlive()) {
        out.add(p.toHandle());
      }
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    Set<ProcessHandle> all = new LinkedHashSet<>(running());
    // Workers first, so that none relaunches an executor; their executors, then the master.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).descendants().forEach(ProcessHandle::destroy);
      daemons.get(i).destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (ProcessHandle p : all) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        p.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    AtomicFiles.deleteQuietly(home);
  }
}
