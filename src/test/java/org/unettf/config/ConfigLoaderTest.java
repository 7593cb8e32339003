package org.unettf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;

class ConfigLoaderTest {
  private static final String DATA = "data: {images: a.tif, labels: b.tif}\n";

  private static String error(String yaml) {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.parse(yaml, "c.yaml"));
    assertEquals(ExitCode.CONFIG, e.exitCode());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void defaultsAreThePapersNetwork() {
    RunConfig c = ConfigLoader.parse(DATA, "c.yaml");
    assertEquals(5, c.model().depth());
    assertEquals(64, c.model().filters());
    assertEquals(572, c.tile().size());
    assertEquals(388, c.outputTile());
    assertEquals(10.0, c.weights().w0());
    assertEquals(5.0, c.weights().sigma());
    assertEquals(Path.of("a.tif"), c.data().images());
    assertEquals(List.of(), c.data().validationSlices());
  }

  @Test
  void aLearningRateScheduleIsCheckedAtLoad() {
    TrainConfig t = ConfigLoader.parse(DATA + "train: {steps: 100, optimizer: momentum, learning_rate: 0.01, "
        + "lr_decay_steps: [40, 80], lr_decay_factor: 0.5}\n", "c.yaml").train();
    assertEquals(0.01, t.learningRateAt(39), 1e-12);
    assertEquals(0.005, t.learningRateAt(40), 1e-12);
    assertEquals(0.0025, t.learningRateAt(99), 1e-12);
    assertEndsWith("train.lr_decay_steps: expected a list of ascending integers ≥ 1 such as [6000, 8000], found 40",
        error(DATA + "train: {optimizer: momentum, lr_decay_steps: [80, 40]}\n"));
    assertEndsWith("train.lr_decay_steps: expected a schedule only with optimizer momentum, found optimizer adam",
        error(DATA + "train: {optimizer: adam, lr_decay_steps: [40]}\n"));
    assertEndsWith("train.lr_decay_steps: expected steps below train.steps = 30, found [40]",
        error(DATA + "train: {steps: 30, optimizer: momentum, lr_decay_steps: [40]}\n"));
  }

  private static void assertEndsWith(String end, String message) {
    assertTrue(message.endsWith(end), message);
  }

  @Test
  void unknownKeySuggestsTheNearestKnownOne() {
    String m = error("model:\n  dept: 4\n" + DATA);
    assertTrue(m.startsWith("c.yaml:2: model.dept: unknown key; did you mean 'depth'?"), m);
  }

  @Test
  void unknownSectionIsNamed() {
    String m = error(DATA + "trian: {steps: 3}\n");
    assertTrue(m.contains("trian: unknown key; did you mean 'train'?"), m);
  }

  @Test
  void wrongTypeNamesKeyValueAndWhatIsAllowed() {
    String m = error("model: {depth: five}\n" + DATA);
    assertEquals("c.yaml:1: model.depth: expected an integer from 2 to 7, found 'five'", m);
  }

  @Test
  void outOfRangeValue() {
    String m = error(DATA + "train: {learning_rate: -0.1}\n");
    assertTrue(m.contains("train.learning_rate: expected a number from 1e-9 to 10, found -0.1"), m);
  }

  @Test
  void negativeTileSize() {
    String m = error(DATA + "tile: {size: -572}\n");
    assertTrue(m.contains("tile.size: expected an integer from 1 to 4096, found -572"), m);
  }

  @Test
  void tileTheValidNetworkCannotTakeNamesNearestValidSizes() {
    String m = error(DATA + "tile: {size: 570}\n");
    assertTrue(m.contains("tile.size: expected a size that the valid-convolution network of depth 5 accepts "
        + "(nearest valid sizes: 556, 572), found 570"), m);
  }

  @Test
  void tabsAreRejectedWithTheirLine() {
    String m = error("model:\n\tdepth: 4\n" + DATA);
    assertTrue(m.startsWith("c.yaml:2:"), m);
    assertTrue(m.contains("tab"), m);
  }

  @Test
  void duplicateKeysAreRejected() {
    String m = error("model:\n  depth: 4\n  depth: 5\n" + DATA);
    assertEquals("c.yaml:3: model.depth: duplicate key (first given on line 2)", m);
  }

  @Test
  void missingDataPathsAreRequired() {
    String m = error("data: {images: a.tif}\n");
    assertTrue(m.contains("data.labels: required"), m);
  }

  @Test
  void stepsAndEpochsExcludeEachOther() {
    String m = error(DATA + "train: {steps: 10, epochs: 2}\n");
    assertTrue(m.contains("either train.steps or train.epochs"), m);
    RunConfig c = ConfigLoader.parse(DATA + "train: {epochs: 2, batch: 3}\n", "c.yaml");
    assertEquals(18, c.train().totalSteps(27));
  }

  @Test
  void validationSlicesTakeListsAndRanges() {
    RunConfig c = ConfigLoader.parse("data: {images: a, labels: b, validation_slices: \"0-2,27\"}\n", "c.yaml");
    assertEquals(List.of(0, 1, 2, 27), c.data().validationSlices());
    RunConfig d = ConfigLoader.parse("data: {images: a, labels: b, validation_slices: [5, 6]}\n", "c.yaml");
    assertEquals(List.of(5, 6), d.data().validationSlices());
    String m = error("data: {images: a, labels: b, validation_slices: \"3-1\"}\n");
    assertTrue(m.contains("data.validation_slices: expected slice numbers"), m);
  }

  @Test
  void resolvedConfigReloadsToTheSameRecords() {
    RunConfig c = ConfigLoader.parse("model: {depth: 3, filters: 8, batch_norm: true, dropout: 0.2}\n" + DATA
        + "tile: {size: 124}\ntrain: {optimizer: momentum, momentum: 0.9}\naugment: {elastic: {mode: smooth}}\n",
        "c.yaml");
    String yaml = ConfigWriter.toYaml(c);
    RunConfig again = ConfigLoader.parse(yaml, "resolved.yaml");
    assertEquals(c, again);
    // data.pairs and train.lr_decay_steps default to one empty list: written out twice, not aliased.
    assertTrue(yaml.contains("pairs: []") && yaml.contains("lr_decay_steps: []"), yaml);
    assertFalse(yaml.contains("&") || yaml.contains("*id"), yaml);
  }

  @Test
  void replicasMustDivideTheBatch() {
    String m = error(DATA + "train: {batch: 3}\nruntime: {replicas: 2}\n");
    assertTrue(m.contains("runtime.replicas: expected a number of replicas that divides train.batch (3), found 2"), m);
    RunConfig c = ConfigLoader.parse(DATA + "train: {batch: 4}\nruntime: {replicas: 2, precision: bf16}\n", "c.yaml");
    assertEquals(2, c.runtime().replicas());
    assertEquals(RuntimeConfig.Precision.BF16, c.runtime().precision());
  }

  @Test
  void winogradIsOnUnlessSwitchedOff() {
    assertTrue(ConfigLoader.parse(DATA, "c.yaml").runtime().winograd());
    RunConfig off = ConfigLoader.parse(DATA + "runtime: {winograd: false}\n", "c.yaml");
    assertFalse(off.runtime().winograd());
    assertEquals(off, ConfigLoader.parse(ConfigWriter.toYaml(off), "resolved.yaml"), "the resolved config keeps it");
    String m = error(DATA + "runtime: {winograd: sometimes}\n");
    assertTrue(m.contains("runtime.winograd") && m.contains("expected true or false") && m.contains("sometimes"), m);
  }

  @Test
  void deviceIsChecked() {
    String m = error(DATA + "runtime: {device: tpu}\n");
    assertTrue(m.contains("runtime.device: expected auto, cpu or gpu:N, found 'tpu'"), m);
  }
}
