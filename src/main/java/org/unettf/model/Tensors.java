package org.unettf.model;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** Host arrays in and out of TensorFlow tensors, by bulk copies. */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 floats(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static TUint8 bytes(byte[] values, long... shape) {
    return TUint8.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static TInt64 longs(long... values) {
    return TInt64.vectorOf(values);
  }

  public static float[] read(TFloat32 tensor) {
    float[] out = new float[(int) tensor.shape().size()];
    tensor.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
