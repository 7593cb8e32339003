package org.unettf.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;

/** Reads TensorBoard event files (TFRecord framing around {@code Event} protos) for assertions. */
public final class EventFiles {
  private EventFiles() {}

  public static List<Event> read(Path logdir) throws IOException {
    List<Event> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(logdir)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).sorted().toList()) {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 12) {
          long length = in.getLong();
          in.getInt(); // masked CRC of the length
          byte[] data = new byte[(int) length];
          in.get(data);
          in.getInt(); // masked CRC of the data
          events.add(Event.parseFrom(data));
        }
      }
    }
    return events;
  }

  /**
   * The events TensorBoard shows: a restart marker (a session log START at step N) drops the
   * events before it of step N and later, as TensorBoard's "purge orphaned data" does.
   */
  public static List<Event> shown(List<Event> events) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e.hasSessionLog() && e.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
        out.removeIf(earlier -> earlier.getStep() >= e.getStep());
      }
      out.add(e);
    }
    return out;
  }

  /** (step, value) of every scalar written under {@code tag}. */
  public static List<double[]> scalars(List<Event> events, String tag) {
    List<double[]> out = new ArrayList<>();
    for (Event e : events) {
      for (var v : e.getSummary().getValueList()) {
        if (v.getTag().equals(tag)) {
          double value = v.hasTensor() && v.getTensor().getFloatValCount() > 0
              ? v.getTensor().getFloatVal(0)
              : v.getSimpleValue();
          out.add(new double[] {e.getStep(), value});
        }
      }
    }
    return out;
  }

  public static List<String> tags(List<Event> events) {
    return events.stream().flatMap(e -> e.getSummary().getValueList().stream()).map(v -> v.getTag()).distinct().toList();
  }
}
