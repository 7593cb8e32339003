package org.unettf.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.WriteImageSummary;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.model.Tensors;

/**
 * A TensorBoard event-file writer: TensorFlow's own summary ops in a small graph of their own,
 * fed from Java, so the training graph carries no summary ops and any value (a Java-side
 * throughput, a validation score) can be logged.
 */
public final class SummaryWriter implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> scalar;
  private final Placeholder<TUint8> image;
  private final Placeholder<TFloat32> histogram;
  private final Placeholder<TString> graphDef;
  private final Op writeScalar;
  private final Op writeImage;
  private final Op writeHistogram;
  private final Op writeGraph;
  private final Placeholder<TString> event;
  private final Op writeEvent;
  private final Op flush;
  private final Op closeWriter;
  private final Path logdir;

  public SummaryWriter(Path logdir) {
    this.logdir = logdir;
    try {
      Files.createDirectories(logdir);
    } catch (IOException e) {
      throw UserError.output("cannot create TensorBoard log folder " + logdir + " (" + e.getMessage() + ")");
    }
    Ops tf = Ops.create(graph).withSubScope("summaries");
    Operand<? extends TType> writer = tf.summary.summaryWriter();
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logdir.toString()), tf.constant(10),
        tf.constant(5_000), tf.constant(".unet-tf"));
    step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    scalar = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    image = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, -1)));
    histogram = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    graphDef = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    writeScalar = tf.summary.writeScalarSummary(writer, step, tag, scalar);
    writeImage = tf.summary.writeImageSummary(writer, step, tag, image,
        tf.constant(new byte[] {(byte) 255, 0, 0}), WriteImageSummary.maxImages(8L));
    writeHistogram = tf.summary.writeHistogramSummary(writer, step, tag, histogram);
    writeGraph = tf.summary.writeGraphSummary(writer, step, graphDef);
    event = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    writeEvent = tf.summary.importEvent(writer, event);
    flush = tf.summary.flushSummaryWriter(writer);
    closeWriter = tf.summary.closeSummaryWriter(writer);
    session = new Session(graph);
    write(session.runner().addTarget(create));
  }

  public void scalar(String name, double value, long at) {
    try (TInt64 s = TInt64.scalarOf(at); TString t = TString.scalarOf(name); TFloat32 v = TFloat32.scalarOf((float) value)) {
      write(session.runner().feed(step, s).feed(tag, t).feed(scalar, v).addTarget(writeScalar));
    }
  }

  /** Grey ({@code channels} 1) or RGB (3) pixels, row-major, 0..255. */
  public void image(String name, byte[] pixels, int width, int height, int channels, long at) {
    try (TInt64 s = TInt64.scalarOf(at); TString t = TString.scalarOf(name);
        TUint8 v = Tensors.bytes(pixels, 1, height, width, channels)) {
      write(session.runner().feed(step, s).feed(tag, t).feed(image, v).addTarget(writeImage));
    }
  }

  public void histogram(String name, float[] values, long at) {
    try (TInt64 s = TInt64.scalarOf(at); TString t = TString.scalarOf(name);
        TFloat32 v = Tensors.floats(values, values.length)) {
      write(session.runner().feed(step, s).feed(tag, t).feed(histogram, v).addTarget(writeHistogram));
    }
  }

  /** The serialised GraphDef, shown in TensorBoard's Graphs tab. */
  public void graph(byte[] serialised, long at) {
    try (TInt64 s = TInt64.scalarOf(at); TString g = TString.tensorOfBytes(NdArrays.scalarOfObject(serialised))) {
      write(session.runner().feed(step, s).feed(graphDef, g).addTarget(writeGraph));
    }
  }

  /**
   * Marks a restart at {@code at}: TensorBoard drops what earlier files hold for steps from
   * {@code at} on ("purge orphaned data", the marker TensorFlow's own restarts write), so steps
   * taken again after a resume from an older checkpoint show once.
   */
  public void restart(long at) {
    byte[] start = Event.newBuilder().setStep(at).setWallTime(System.currentTimeMillis() / 1000.0)
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)).build().toByteArray();
    try (TString e = TString.tensorOfBytes(NdArrays.scalarOfObject(start))) {
      write(session.runner().feed(event, e).addTarget(writeEvent));
    }
  }

  public void flush() {
    write(session.runner().addTarget(flush));
  }

  /**
   * Runs a write: TensorFlow reports a full disk as "resource exhausted", which would read as
   * running out of memory; it is an output that cannot be written.
   */
  private void write(Session.Runner runner) {
    try {
      runner.run();
    } catch (TensorFlowException e) {
      throw UserError.output("cannot write TensorBoard log in " + logdir + " (" + Messages.reason(e) + ")");
    }
  }

  @Override
  public void close() {
    try {
      write(session.runner().addTarget(closeWriter));
    } finally {
      session.close();
      graph.close();
    }
  }
}
