package org.unettf.model;

import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Creates the network's variables: randomly initialised for training, or bare (to be restored from
 * a checkpoint) for an inference graph, under the same names either way so a checkpoint fits both.
 *
 * <p>Ops go in name scopes ({@code unet/down1/conv1/...}) for TensorBoard's graph view; variables
 * take the same path with dots ({@code unet.down1.conv1.kernel}), because tensorflow-framework's
 * optimizers derive slot names from variable names and reject a '/' in them.
 */
public final class Layers {
  private final Ops tf;
  private final Ops root;
  private final String path;
  private final boolean initialise;
  private final long seed;
  /** Shared by a root and its scoped children, so every kernel gets its own random stream. */
  private final AtomicLong kernels;

  private Layers(Ops tf, Ops root, String path, boolean initialise, long seed, AtomicLong kernels) {
    this.tf = tf;
    this.root = root;
    this.path = path;
    this.initialise = initialise;
    this.seed = seed;
    this.kernels = kernels;
  }

  /** Variables initialised from {@code seed}, as training starts. */
  public static Layers initialised(Ops tf, long seed) {
    return new Layers(tf, tf, "", true, seed, new AtomicLong());
  }

  /** Variables without initialisers, to be filled by {@code Session.restore}. */
  public static Layers restorable(Ops tf) {
    return new Layers(tf, tf, "", false, 0, new AtomicLong());
  }

  public Ops tf() {
    return tf;
  }

  Layers within(String scope) {
    return new Layers(tf.withSubScope(scope), root, path + scope + ".", initialise, seed, kernels);
  }

  /** He et al.'s normal initialisation, the paper's {@code sqrt(2/N)}, N the kernel's fan-in. */
  Variable<TFloat32> kernel(String name, int size, int in, int out) {
    long index = kernels.getAndIncrement();
    if (!initialise) {
      return root.withName(path + name).variable(Shape.of(size, size, in, out), TFloat32.class);
    }
    float std = (float) Math.sqrt(2.0 / ((double) size * size * in));
    Operand<TFloat32> normal = tf.random.statelessRandomNormal(
        tf.constant(new int[] {size, size, in, out}), tf.constant(new long[] {seed, index}));
    return root.withName(path + name).variable(tf.math.mul(normal, tf.constant(std)));
  }

  Variable<TFloat32> filled(String name, int length, float value) {
    if (!initialise) {
      return root.withName(path + name).variable(Shape.of(length), TFloat32.class);
    }
    return root.withName(path + name).variable(tf.fill(tf.constant(new int[] {length}), tf.constant(value)));
  }
}
