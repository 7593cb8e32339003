package org.unettf.io.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * A Zarr v2 group: a folder with {@code .zgroup} and optional {@code .zattrs}, holding arrays and
 * further groups. Attributes are replaced whole and atomically.
 */
public final class ZarrGroup {
  private final Path dir;

  private ZarrGroup(Path dir) {
    this.dir = dir;
  }

  /** Makes {@code dir} a group (if it is not one yet) and, unless null, sets its attributes. */
  public static ZarrGroup create(Path dir, Map<String, Object> attributes) {
    String describe = dir.toString();
    if (ZarrArray.isArray(dir)) {
      throw UserError.output(describe + " is a Zarr array, not a group");
    }
    if (!ZarrArray.isGroup(dir)) {
      Layout.requireVacant(dir, describe, "Zarr group");
    }
    ensureGroup(dir, describe);
    ZarrGroup group = new ZarrGroup(dir);
    if (attributes != null) {
      group.writeAttributes(attributes);
    }
    return group;
  }

  public static ZarrGroup open(Path dir) {
    if (!ZarrArray.isGroup(dir)) {
      throw UserError.input(dir + " is not a Zarr group (" + (ZarrArray.isArray(dir) ? "it is an array"
          : Layout.found(dir)) + ")");
    }
    return new ZarrGroup(dir);
  }

  public Path path() {
    return dir;
  }

  /** The group's attributes as stored now. */
  public Map<String, Object> attributes() {
    Map<String, Object> attributes = Json.readIfExists(dir.resolve(ZarrArray.ATTRS), dir.toString());
    return Json.copy(attributes);
  }

  /** Replaces the attributes whole, through a temporary sibling. */
  public void writeAttributes(Map<String, Object> attributes) {
    Json.write(dir.resolve(ZarrArray.ATTRS), attributes);
  }

  /** The arrays inside, by path relative to the group, sub-groups included, in name order. */
  public List<String> arrays() {
    return arrays(dir);
  }

  public WritableVolume createArray(String name, long[] shape, int[] chunks, DType dtype, Compression compression,
      Map<String, Object> attributes, IfExists ifExists) {
    Path array = dir.resolve(name);
    return ZarrArray.create(array.toString(), dir, array, shape, chunks, dtype, compression, attributes, ifExists);
  }

  public Volume openArray(String name) {
    return Volumes.open(dir.resolve(name).toString());
  }

  static List<String> arrays(Path dir) {
    return Layout.volumes(dir, ZarrArray::isArray, ZarrArray::isGroup);
  }

  /** Makes every folder from {@code root} down to {@code parent} a group, creating them as needed. */
  static void ensureGroups(Path root, Path parent, String describe) {
    if (root == null || parent == null || !parent.startsWith(root)) {
      return;
    }
    Path at = root;
    ensureGroup(at, describe);
    for (Path part : root.relativize(parent)) {
      if (part.toString().isEmpty()) {
        continue;
      }
      at = at.resolve(part);
      ensureGroup(at, describe);
    }
  }

  private static void ensureGroup(Path dir, String describe) {
    if (ZarrArray.isGroup(dir)) {
      return;
    }
    if (ZarrArray.isArray(dir)) {
      throw UserError.output(describe + ": " + dir + " is a Zarr array and cannot hold another");
    }
    if (Files.isRegularFile(dir)) {
      throw UserError.output(describe + ": " + dir + " is a file, not a Zarr group");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw UserError.output("cannot create " + dir + " (" + AtomicFiles.describe(e) + ")");
    }
    Map<String, Object> meta = Json.ordered();
    meta.put("zarr_format", 2);
    Json.write(dir.resolve(ZarrArray.GROUP), meta);
  }
}
