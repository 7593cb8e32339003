package org.unettf.infer;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.unettf.config.ModelConfig;
import org.unettf.model.Layers;
import org.unettf.model.Loss;
import org.unettf.model.Mode;
import org.unettf.model.Tuning;
import org.unettf.model.UNet;

/**
 * The lean graph a SavedModel holds: the U-Net's forward pass on variables to be restored from a
 * checkpoint, with no gradients, optimizer slots or summaries. Two signatures:
 *
 * <ul>
 *   <li>{@code serving_default}: {@code image [batch, H, W, channels]} of a size the network
 *       accepts (or of the card's fixed tile size only) → {@code probabilities [batch, h, w,
 *       classes]} and {@code labels [batch, h, w]}.
 *   <li>{@code segment}: any {@code H×W} → outputs of the same size; the graph mirror-pads the
 *       image to the next size the network accepts and crops the result.
 * </ul>
 *
 * With {@code anySizeDefault} the graph holds the {@code segment} head only, under both keys.
 */
final class InferenceGraph {
  static final String SEGMENT = "segment";

  final Graph graph;
  final List<Signature> signatures;

  /**
   * @param tuning {@link Tuning#plain()} for what is exported, which every TensorFlow runs as it is;
   *     a tuned one for a graph built in-process to run on this very runtime
   */
  InferenceGraph(ModelCard card, boolean anySizeDefault, Tuning tuning) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      ModelConfig spec = card.model();
      UNet net = UNet.build(Layers.restorable(tf), spec, card.normalization(), tuning);
      Head segment = segmentHead(tf.withSubScope(SEGMENT), net, spec, card.calibration());
      if (anySizeDefault) {
        signatures = List.of(segment.signature(Signature.DEFAULT_KEY), segment.signature(SEGMENT));
      } else {
        long edge = card.fixedTile() > 0 ? card.fixedTile() : -1;
        Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1, edge, edge, spec.channels())));
        Operand<TFloat32> probabilities = Loss.probabilities(tf.withName("probabilities"),
            net.logits(image, Mode.INFER, null, null), card.calibration());
        Head fixed = new Head(image, probabilities, labels(tf.withName("labels"), probabilities));
        signatures = List.of(fixed.signature(Signature.DEFAULT_KEY), segment.signature(SEGMENT));
      }
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** An input and its two outputs, to be published under a signature key. */
  private record Head(Operand<TFloat32> image, Operand<TFloat32> probabilities, Operand<TInt32> labels) {
    Signature signature(String key) {
      return Signature.builder()
          .key(key)
          .methodName("tensorflow/serving/predict")
          .input("image", image)
          .output("probabilities", probabilities)
          .output("labels", labels)
          .build();
    }
  }

  private static Head segmentHead(Ops s, UNet net, ModelConfig spec, double[] calibration) {
    Placeholder<TFloat32> image = s.withName("image").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, -1, -1, spec.channels())));
    Operand<TInt32> shape = s.shape(image);
    Operand<TInt32> height = s.gather(shape, s.constant(1), s.constant(0));
    Operand<TInt32> width = s.gather(shape, s.constant(2), s.constant(0));
    boolean same = spec.padding() == ModelConfig.Padding.SAME;
    int context = spec.halo();
    Operand<TInt32> paddings = s.stack(List.of(
        s.constant(new int[] {0, 0}),
        s.stack(List.of(s.constant(context), padAfter(s, spec, height, context))),
        s.stack(List.of(s.constant(context), padAfter(s, spec, width, context))),
        s.constant(new int[] {0, 0})));
    Operand<TFloat32> padded = s.mirrorPad(image, paddings, "REFLECT");
    Operand<TFloat32> full = Loss.probabilities(s, net.logits(padded, Mode.INFER, null, null), calibration);
    int offset = same ? context : 0;
    Operand<TFloat32> cropped = s.withName("probabilities").slice(full,
        s.constant(new int[] {0, offset, offset, 0}),
        s.stack(List.of(s.constant(-1), height, width, s.constant(-1))));
    return new Head(image, cropped, labels(s.withName("labels"), cropped));
  }

  /**
   * Padding after an edge of length {@code n} that brings {@code context + n + pad} to the
   * smallest input whose output covers the edge.
   */
  private static Operand<TInt32> padAfter(Ops s, ModelConfig spec, Operand<TInt32> n, int context) {
    int a = spec.alignment();
    int s0 = spec.smallestInput();
    boolean same = spec.padding() == ModelConfig.Padding.SAME;
    // Inputs the network accepts are s0 + k·a, with outputs o0 + k·a (o0 = s0 − 2·context for same padding).
    int o0 = same ? s0 - 2 * context : spec.outputSize(s0);
    Operand<TInt32> k = s.math.maximum(s.constant(0),
        s.math.floorDiv(s.math.add(s.math.sub(n, s.constant(o0)), s.constant(a - 1)), s.constant(a)));
    Operand<TInt32> input = s.math.add(s.constant(s0), s.math.mul(k, s.constant(a)));
    return s.math.sub(s.math.sub(input, n), s.constant(context));
  }

  private static Operand<TInt32> labels(Ops tf, Operand<TFloat32> probabilities) {
    return tf.math.argMax(probabilities, tf.constant(-1), TInt32.class);
  }

  /** The smallest edge the segment signature takes: mirror padding must stay inside the image. */
  static int smallestSegmentEdge(ModelConfig spec) {
    return spec.halo() + spec.alignment();
  }
}
