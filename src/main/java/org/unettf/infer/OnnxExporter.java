package org.unettf.infer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ModelConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.model.Layers;
import org.unettf.model.Sessions;
import org.unettf.model.Tensors;
import org.unettf.model.Tuning;
import org.unettf.model.UNet;

/**
 * Writes a checkpoint's network as an ONNX model that runs the SavedModel's computation: the same
 * inputs and outputs, normalisation and class-weight calibration, in plain ONNX operators. The
 * model card and provenance travel in its {@code metadata_props}.
 */
public final class OnnxExporter {
  /** The oldest opset whose Softmax normalises over one axis, as the graph needs. */
  public static final int MIN_OPSET = 13;
  /** The newest opset ONNX Runtime 1.22 supports (it refuses 23 as unreleased). */
  public static final int MAX_OPSET = 22;
  public static final int DEFAULT_OPSET = 17;
  /** The {@code metadata_props} key of the model card's JSON. */
  static final String CARD = "unet-tf.card";
  static final String SIGNATURE = "unet-tf.signature";
  static final String PRODUCER = "unet-tf";

  private OnnxExporter() {}

  /** Which of the SavedModel's signatures the ONNX graph reproduces. */
  public enum Variant {
    /** {@code serving_default}: inputs of sizes the network accepts, outputs smaller by the margin (valid padding). */
    SERVING_DEFAULT("serving_default"),
    /** {@code segment}: any size in, the same size out, mirror-padded and cropped in the graph. */
    SEGMENT("segment");

    public final String signature;

    Variant(String signature) {
      this.signature = signature;
    }

    static Variant of(String signature) {
      for (Variant v : values()) {
        if (v.signature.equals(signature)) {
          return v;
        }
      }
      return null;
    }
  }

  /** Refuses opsets the graph is not valid in, naming the option. */
  public static void checkOpset(int opset) {
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw UserError.config("--opset: expected " + MIN_OPSET + " to " + MAX_OPSET + ", found " + opset);
    }
  }

  /** Writes {@code target} (whole or not at all) from the checkpoint at {@code checkpointPrefix}. */
  public static Path export(ModelCard card, String checkpointPrefix, Path target, Variant variant, int opset,
      RuntimeConfig runtime) {
    checkOpset(opset);
    ModelProto model = model(card, restore(card.model(), checkpointPrefix, runtime), variant, opset,
        "checkpoint " + checkpointPrefix);
    AtomicFiles.write(target, model::writeTo);
    return target;
  }

  /** A checkpoint's network variables by their checkpoint names, read through a graph of restorable variables. */
  static Map<String, OnnxUNet.Weights> restore(ModelConfig spec, String checkpointPrefix, RuntimeConfig runtime) {
    Map<String, OnnxUNet.Weights> values = new LinkedHashMap<>();
    try (Graph graph = new Graph()) {
      UNet net = UNet.build(Layers.restorable(Ops.create(graph)), spec, null, Tuning.plain());
      try (Session session = new Session(graph, Sessions.config(runtime))) {
        session.restore(checkpointPrefix);
        for (Variable<TFloat32> v : net.allVariables()) {
          try (Result result = session.runner().fetch(v).run()) {
            TFloat32 t = (TFloat32) result.get(0);
            values.put(v.op().name(), new OnnxUNet.Weights(t.shape().asArray(), Tensors.read(t)));
          }
        }
      }
    } catch (TensorFlowException e) {
      throw UserError.model("cannot read checkpoint " + checkpointPrefix + ": " + Messages.firstLine(e.getMessage()));
    }
    return values;
  }

  static ModelProto model(ModelCard card, Map<String, OnnxUNet.Weights> variables, Variant variant, int opset,
      String source) {
    ModelConfig spec = card.model();
    String doc = String.format("U-Net (Ronneberger, Fischer and Brox 2015) exported by unet-tf from %s: %d levels, %d "
        + "filters, %s padding%s, %d classes. Input 'image' [batch, H, W, %d]: raw intensities in [0, 1]; the graph "
        + "standardises them. Outputs 'probabilities' [batch, h, w, %d] and 'labels' [batch, h, w] int32, as the "
        + "SavedModel's '%s' signature: %s. Initializers keep the checkpoint's variable names, kernels transposed to "
        + "ONNX's layouts.", source, spec.depth(), spec.filters(), spec.padding().name().toLowerCase(),
        spec.batchNorm() ? ", batch norm" : "", spec.classes(), spec.channels(), spec.classes(), variant.signature,
        variant == Variant.SEGMENT
            ? "any H and W (at least " + InferenceGraph.smallestSegmentEdge(spec) + "), h = H and w = W"
            : "H and W sizes the network accepts (" + spec.smallestInput() + " + k·" + spec.alignment() + ")"
                + (spec.padding() == ModelConfig.Padding.VALID ? ", h = H − " + 2 * spec.margin() : ", h = H"));
    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(irVersion(opset))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setProducerName(PRODUCER)
        .setProducerVersion(String.valueOf(card.provenance().getOrDefault("unet_tf", "dev")))
        .setDocString(doc)
        .setGraph(OnnxUNet.graph(card, variables, variant == Variant.SEGMENT, doc));
    model.addMetadataProps(entry(CARD, card.toJson()));
    model.addMetadataProps(entry(SIGNATURE, variant.signature));
    card.provenance().forEach((k, v) -> model.addMetadataProps(entry("provenance." + k, String.valueOf(v))));
    return model.build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** The IR version the ONNX release that introduced {@code opset} writes. */
  static long irVersion(int opset) {
    if (opset <= 14) {
      return 7;
    }
    if (opset <= 18) {
      return 8;
    }
    return opset <= 20 ? 9 : 10;
  }
}
