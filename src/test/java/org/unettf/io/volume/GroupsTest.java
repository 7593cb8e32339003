package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.error.ExitCode;

/** Zarr and N5 groups holding several arrays, and the OME-Zarr metadata that describes them to viewers. */
class GroupsTest {
  @TempDir
  Path dir;

  @Test
  void aZarrGroupHoldsArraysThatOmeZarrDescribes() throws IOException {
    Path store = dir.resolve("prediction.zarr");
    ZarrGroup group = ZarrGroup.create(store, Map.of("model", "unet"));
    try (WritableVolume raw = group.createArray("raw", Fixtures.SHAPE, Fixtures.CHUNKS, DType.UINT8,
            Compression.standard(), Map.of(), IfExists.FAIL);
        WritableVolume probabilities = group.createArray("probabilities", new long[] {2, 5, 37, 41},
            new int[] {2, 2, 16, 16}, DType.FLOAT32, Compression.bloscLz4(), Map.of(), IfExists.FAIL)) {
      Fixtures.writeAll(raw, Fixtures.integers(DType.UINT8, Fixtures.voxels(Fixtures.SHAPE), 1));
      Fixtures.writeAll(probabilities, Fixtures.floats(2 * Fixtures.voxels(Fixtures.SHAPE), 2));
    }
    assertEquals(List.of("probabilities", "raw"), group.arrays());
    OmeZarr.describe(group, List.of("raw", "probabilities"));
    Map<String, Object> attributes = ZarrGroup.open(store).attributes();
    assertEquals("unet", attributes.get("model"), "other attributes stay");
    List<?> multiscales = (List<?>) attributes.get("multiscales");
    assertEquals(2, multiscales.size());
    Map<?, ?> first = (Map<?, ?>) multiscales.get(0);
    assertEquals("0.4", first.get("version"));
    assertEquals(List.of(Map.of("name", "z", "type", "space"), Map.of("name", "y", "type", "space"),
        Map.of("name", "x", "type", "space")), first.get("axes"));
    Map<?, ?> second = (Map<?, ?>) multiscales.get(1);
    assertEquals(Map.of("name", "c", "type", "channel"), ((List<?>) second.get("axes")).get(0));
    assertEquals(List.of(Map.of("path", "probabilities", "coordinateTransformations",
        List.of(Map.of("type", "scale", "scale", List.of(1.0, 1.0, 1.0, 1.0))))), second.get("datasets"));

    Python.assume("zarr", "numpy");
    String script = """
        import sys, zarr
        group = zarr.open_group(sys.argv[1], mode='r')
        assert group.attrs['model'] == 'unet'
        for image in group.attrs['multiscales']:
            axes = [a['name'] for a in image['axes']]
            for dataset in image['datasets']:
                array = group[dataset['path']]
                assert array.ndim == len(axes) == len(dataset['coordinateTransformations'][0]['scale'])
                print(dataset['path'], ''.join(axes), array.shape, array.dtype)
        """;
    String output = Python.run(dir, script, store.toString());
    assertTrue(output.contains("raw zyx (5, 37, 41) uint8"), output);
    assertTrue(output.contains("probabilities czyx (2, 5, 37, 41) float32"), output);
  }

  @Test
  void anN5GroupHoldsDatasets() {
    N5Group group = N5Group.create(dir.resolve("out.n5"), Map.of("model", "unet"));
    try (WritableVolume a = group.createDataset("a", Fixtures.SHAPE, Fixtures.CHUNKS, DType.UINT16,
            Compression.standard(), Map.of("resolution", List.of(1, 1, 2)), IfExists.FAIL);
        WritableVolume b = group.createDataset("deep/b", Fixtures.SHAPE, Fixtures.CHUNKS, DType.UINT16,
            Compression.standard(), null, IfExists.FAIL)) {
      assertEquals(List.of(1L, 1L, 2L), a.attributes().get("resolution"));
      assertEquals(Map.of(), b.attributes());
    }
    assertEquals(List.of("a", "deep/b"), group.datasets());
    assertEquals(Map.of("model", "unet"), N5Group.open(dir.resolve("out.n5")).attributes());
    try (Volume a = group.openDataset("a")) {
      assertEquals(DType.UINT16, a.dtype());
    }
  }

  @Test
  void omeZarrNamesAxesByRankAndRefusesOthers() throws IOException {
    assertEquals(List.of("y", "x"), OmeZarr.axes(2).stream().map(a -> a.get("name")).toList());
    assertEquals(List.of("t", "c", "z", "y", "x"), OmeZarr.axes(5).stream().map(a -> a.get("name")).toList());
    assertEquals("time", OmeZarr.axes(5).get(0).get("type"));
    ZarrGroup group = ZarrGroup.create(dir.resolve("flat.zarr"), null);
    try (WritableVolume line = group.createArray("line", new long[] {10}, new int[] {4}, DType.UINT8,
        Compression.none(), null, IfExists.FAIL)) {
      assertEquals(1, line.rank());
    }
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> OmeZarr.describe(group, List.of("line")), "line", "1 axes",
        "2 to 5");
    assertTrue(Files.isRegularFile(dir.resolve("flat.zarr/.zgroup")));
  }
}
