package org.unettf.infer;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph as it is written: nodes in execution order, initializers, and typed inputs and
 * outputs, over the {@code ai.onnx.proto} messages. Every node has one output, named after the
 * node, so the builder hands back names to wire into the next node.
 */
final class OnnxGraph {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, Integer> uses = new HashMap<>();

  /** A float32 initializer, stored little-endian in {@code raw_data} as the ONNX format asks. */
  String floats(String name, long[] dims, float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return initializer(name, dims, TensorProto.DataType.FLOAT, bytes);
  }

  /** A 1-D int64 initializer, for shapes, pads and slice bounds. */
  String longs(String name, long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return initializer(name, new long[] {values.length}, TensorProto.DataType.INT64, bytes);
  }

  /** A float32 scalar initializer. */
  String scalar(String name, float value) {
    ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
    return initializer(name, new long[0], TensorProto.DataType.FLOAT, bytes);
  }

  private String initializer(String name, long[] dims, TensorProto.DataType type, ByteBuffer bytes) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(unique(name)).setDataType(type.getNumber())
        .setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
    return tensor.getName();
  }

  /** Appends a node {@code op} named {@code name} (made unique) and returns its output. */
  String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
    String unique = unique(name);
    graph.addNode(NodeProto.newBuilder().setOpType(op).setName(unique).addAllInput(inputs).addOutput(unique)
        .addAllAttribute(List.of(attributes)));
    return unique;
  }

  /** A graph input or output: {@code dims} holds sizes (Long) and symbolic names (String). */
  void input(String name, TensorProto.DataType type, List<Object> dims) {
    graph.addInput(value(name, type, dims));
  }

  void output(String name, TensorProto.DataType type, List<Object> dims) {
    graph.addOutput(value(name, type, dims));
  }

  GraphProto build(String name, String doc) {
    return graph.setName(name).setDocString(doc).build();
  }

  private static ValueInfoProto value(String name, TensorProto.DataType type, List<Object> dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      shape.addDim(d instanceof Long size
          ? TensorShapeProto.Dimension.newBuilder().setDimValue(size)
          : TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  /** {@code name}, or {@code name_2}, {@code name_3}... when it is taken. */
  private String unique(String name) {
    int n = uses.merge(name, 1, Integer::sum);
    return n == 1 ? name : name + "_" + n;
  }

  static AttributeProto attribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto attribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto attribute(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }
}
