package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class SummaryWriterTest {
  @TempDir
  Path dir;

  @Test
  void writesEventsTensorBoardCanRead() throws Exception {
    try (SummaryWriter w = new SummaryWriter(dir)) {
      w.scalar("loss", 0.75, 1);
      w.scalar("loss", 0.5, 2);
      w.image("input", new byte[] {0, 64, (byte) 128, (byte) 255}, 2, 2, 1, 2);
      w.histogram("weights/w", new float[] {0.1f, 0.2f, -0.3f}, 2);
      w.graph(new byte[0], 0);
    }
    List<Event> events = EventFiles.read(dir);
    assertTrue(events.get(0).hasFileVersion(), "an event file starts with its version record");
    List<double[]> loss = EventFiles.scalars(events, "loss");
    assertEquals(2, loss.size());
    assertEquals(1, loss.get(0)[0]);
    assertEquals(0.75, loss.get(0)[1], 1e-6);
    assertEquals(0.5, loss.get(1)[1], 1e-6);
    List<String> tags = EventFiles.tags(events);
    assertTrue(tags.stream().anyMatch(t -> t.startsWith("input")), tags.toString());
    assertTrue(tags.contains("weights/w"), tags.toString());
    Event image = events.stream()
        .filter(e -> e.getSummary().getValueList().stream().anyMatch(v -> v.getTag().startsWith("input")))
        .findFirst().orElseThrow();
    var value = image.getSummary().getValue(0);
    assertEquals(2, value.getImage().getWidth());
    assertTrue(value.getImage().getEncodedImageString().size() > 8, "a PNG");
    assertTrue(events.stream().anyMatch(Event::hasGraphDef), "the graph");
  }
}
