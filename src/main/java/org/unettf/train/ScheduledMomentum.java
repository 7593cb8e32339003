package org.unettf.train;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Momentum SGD whose learning rate is a graph tensor (the framework's is a constant), so that a
 * schedule can lower it during training. Slots keep the framework's names: checkpoints of either
 * restore into the other.
 */
final class ScheduledMomentum extends Momentum {
  private final Operand<TFloat32> rate;
  private final float momentum;

  ScheduledMomentum(Graph graph, Operand<TFloat32> rate, float momentum) {
    super(graph, 0f, momentum);
    this.rate = rate;
    this.momentum = momentum;
  }

  @Override
  protected <T extends TType> Op applyDense(Ops tf, Output<T> gradient, Output<T> variable) {
    Variable<T> accumulator = getSlot(variable, MOMENTUM).orElseThrow();
    return tf.train.applyMomentum(variable, accumulator, tf.dtypes.cast(rate, gradient.type()), gradient,
        tf.dtypes.cast(tf.constant(momentum), gradient.type()), ApplyMomentum.useNesterov(false));
  }
}
