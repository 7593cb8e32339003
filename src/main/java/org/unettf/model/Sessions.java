package org.unettf.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.UserError;

/** TensorFlow sessions configured from {@link RuntimeConfig}: threads and device. */
public final class Sessions {
  private Sessions() {}

  public static ConfigProto config(RuntimeConfig runtime) {
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(runtime.intraOpThreadsResolved())
        .setInterOpParallelismThreads(runtime.interOpThreadsResolved())
        .setAllowSoftPlacement(true)
        // Take GPU memory as needed rather than all of it up front, so a GPU can be shared.
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    if (runtime.device().equals("cpu")) {
      config.putDeviceCount("GPU", 0);
    }
    if (runtime.replicas() > 1 && !runtime.gpu()) {
      // Virtual CPU devices, one per tower; they share the same cores and thread pools.
      config.putDeviceCount("CPU", runtime.replicas());
    }
    RewriterConfig.Builder rewrites = RewriterConfig.newBuilder();
    switch (Precisions.of(runtime)) {
      case BF16 -> {
        rewrites.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
        if (runtime.gpu()) {
          rewrites.setAutoMixedPrecision(RewriterConfig.Toggle.ON);
        }
      }
      case FP16 -> rewrites.setAutoMixedPrecision(RewriterConfig.Toggle.ON);
      case FP32, AUTO -> { }
    }
    config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites));
    return config.build();
  }

  /** The device the network's ops are pinned to, or null to let TensorFlow choose. */
  public static DeviceSpec device(RuntimeConfig runtime) {
    if (runtime.device().startsWith("gpu:")) {
      return gpu(Integer.parseInt(runtime.device().substring(4)));
    }
    return null;
  }

  /**
   * One device per tower: GPUs from the configured one upwards, or virtual CPUs; with one replica,
   * {@link #device} (which may be null).
   */
  public static List<DeviceSpec> towers(RuntimeConfig runtime) {
    if (runtime.replicas() == 1) {
      return Collections.singletonList(device(runtime));
    }
    List<DeviceSpec> towers = new ArrayList<>();
    int first = runtime.device().startsWith("gpu:") ? Integer.parseInt(runtime.device().substring(4)) : 0;
    for (int i = 0; i < runtime.replicas(); i++) {
      towers.add(runtime.gpu()
          ? gpu(first + i)
          : DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(i).build());
    }
    return towers;
  }

  private static DeviceSpec gpu(int index) {
    return DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build();
  }

  /** Fails with a clear message when the config insists on a GPU that TensorFlow cannot see. */
  public static void checkDevice(RuntimeConfig runtime) {
    DeviceSpec device = device(runtime);
    if (device == null) {
      return;
    }
    ConfigProto strict = config(runtime).toBuilder().setAllowSoftPlacement(false).build();
    try (Graph g = new Graph(); Session s = new Session(g, strict)) {
      Ops tf = Ops.create(g).withDevice(device);
      var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
      s.runner().fetch(probe).run().close();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.config("runtime.device: " + runtime.device() + " requested, but TensorFlow "
          + TensorFlowVersion.VERSION + " sees no such GPU. GPUs need the -Pgpu build, an NVIDIA driver, CUDA 12 and "
          + "cuDNN 9; use device: auto or cpu to run on the CPU");
    }
  }

  /**
   * Runs {@code runner} once with tracing and counts the ops per device, e.g.
   * {@code {/device:CPU:0=512}}: what the log reports as the placement.
   */
  public static Map<String, Integer> placement(Session.Runner runner) {
    runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.SOFTWARE_TRACE).build());
    Map<String, Integer> counts = new TreeMap<>();
    try (Result result = runner.runAndFetchMetadata()) {
      RunMetadata metadata = result.getMetadata().orElse(null);
      if (metadata != null) {
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
          String name = device.getDevice().replaceFirst("^/job:localhost/replica:0/task:0", "");
          counts.merge(name, device.getNodeStatsCount(), Integer::sum);
        }
      }
    }
    return counts;
  }

  /** The TensorFlow runtime's version, read once. */
  public static final class TensorFlowVersion {
    public static final String VERSION = TensorFlow.version();

    private TensorFlowVersion() {}
  }
}
