package org.unettf.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.unettf.error.UserError;

/**
 * One YAML mapping of the config, read key by key with typed, range-checked getters. Every error
 * names the file, line and key path; {@link #finish()} rejects keys nobody asked for, suggesting
 * the nearest known one.
 */
final class YamlSection {
  private final String file;
  private final String path;
  private final Node node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final Set<String> known = new LinkedHashSet<>();
  private final List<YamlSection> children = new ArrayList<>();

  YamlSection(String file, String path, Node node) {
    this.file = file;
    this.path = path;
    this.node = node;
    if (node == null || isNull(node)) {
      return;
    }
    if (!(node instanceof MappingNode mapping)) {
      if (path.isEmpty()) {
        throw UserError.config(where(node) + "expected a config of sections such as 'model:' and 'data:', each "
            + "holding keys, found " + describe(node) + " at the top level");
      }
      throw error(node, path, "expected a mapping of keys", describe(node));
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalarText(tuple.getKeyNode());
      if (key == null) {
        throw error(tuple.getKeyNode(), qualify("?"), "expected a plain key", describe(tuple.getKeyNode()));
      }
      if (entries.putIfAbsent(key, tuple) != null) {
        throw UserError.config(
            where(tuple.getKeyNode()) + qualify(key) + ": duplicate key (first given on line "
                + line(entries.get(key).getKeyNode()) + ")");
      }
    }
  }

  YamlSection section(String key) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    YamlSection child = new YamlSection(file, qualify(key), tuple == null ? null : tuple.getValueNode());
    children.add(child);
    return child;
  }

  boolean has(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple != null && !isNull(tuple.getValueNode());
  }

  int integer(String key, int fallback, int min, int max) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    String range = rangeText(min, max);
    long value;
    try {
      value = Long.parseLong(text.get().trim());
    } catch (NumberFormatException e) {
      throw error(value(key), qualify(key), "expected an integer " + range, quote(text.get()));
    }
    if (value < min || value > max) {
      throw error(value(key), qualify(key), "expected an integer " + range, text.get());
    }
    return (int) value;
  }

  long longValue(String key, long fallback) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.get().trim());
    } catch (NumberFormatException e) {
      throw error(value(key), qualify(key), "expected an integer", quote(text.get()));
    }
  }

  /** A number in [min, max], or in [min, max) when {@code maxExclusive}. */
  double number(String key, double fallback, double min, double max, boolean maxExclusive) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    String range = "from " + Key.plain(min) + (maxExclusive ? " up to (not including) " : " to ")
        + Key.plain(max);
    double value;
    try {
      value = Double.parseDouble(text.get().trim());
    } catch (NumberFormatException e) {
      throw error(value(key), qualify(key), "expected a number " + range, quote(text.get()));
    }
    if (!(value >= min) || value > max || (maxExclusive && value == max)) {
      throw error(value(key), qualify(key), "expected a number " + range, text.get());
    }
    return value;
  }

  boolean bool(String key, boolean fallback) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(value(key), qualify(key), "expected true or false", quote(text.get()));
    };
  }

  <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text.get().trim())) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase(Locale.ROOT));
    }
    throw error(value(key), qualify(key), "expected one of " + String.join(", ", allowed), quote(text.get()));
  }

  String string(String key, String fallback) {
    return scalar(key).map(String::trim).orElse(fallback);
  }

  Path path(String key, Path fallback) {
    Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      if (fallback == null) {
        throw UserError.config(where(node) + qualify(key) + ": required, but not given");
      }
      return fallback;
    }
    return PathValue.parse(where(value(key)) + qualify(key), text.get().trim());
  }

  /** A list of mappings, each read as a section of its own ({@code key[0]}, {@code key[1]}, ...). */
  List<YamlSection> sections(String key) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return List.of();
    }
    if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
      throw error(tuple.getValueNode(), qualify(key), "expected a list", describe(tuple.getValueNode()));
    }
    List<YamlSection> out = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      YamlSection child = new YamlSection(file, qualify(key) + "[" + i + "]", sequence.getValue().get(i));
      children.add(child);
      out.add(child);
    }
    return out;
  }

  /**
   * A mapping from integers to names, in the order written: {@code {0: background, 255: cell}}.
   * Returns null where the key is absent.
   */
  LinkedHashMap<Integer, String> namesByNumber(String key, int min, int max) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return null;
    }
    if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
      throw error(tuple.getValueNode(), qualify(key), "expected a mapping of mask values to class names such as "
          + "{0: membrane, 255: cell}", describe(tuple.getValueNode()));
    }
    LinkedHashMap<Integer, String> out = new LinkedHashMap<>();
    for (NodeTuple entry : mapping.getValue()) {
      String text = scalarText(entry.getKeyNode());
      int number;
      try {
        number = Integer.parseInt(text == null ? "" : text.trim());
      } catch (NumberFormatException e) {
        throw error(entry.getKeyNode(), qualify(key), "expected mask values from " + min + " to " + max, quote(text));
      }
      if (number < min || number > max) {
        throw error(entry.getKeyNode(), qualify(key), "expected mask values from " + min + " to " + max, text);
      }
      String name = scalarText(entry.getValueNode());
      if (name == null || name.isBlank()) {
        throw error(entry.getValueNode(), qualify(key) + "." + number, "expected a class name", describe(entry.getValueNode()));
      }
      if (out.put(number, name.trim()) != null) {
        throw UserError.config(where(entry.getKeyNode()) + qualify(key) + "." + number + ": duplicate mask value");
      }
    }
    if (out.size() < 2) {
      throw error(tuple.getValueNode(), qualify(key), "at least two classes", out.size() + " class");
    }
    return out;
  }

  /** A YAML list of strictly ascending integers, each at least {@code min}; empty when absent. */
  List<Integer> ascendingIntegers(String key, int min) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return List.of();
    }
    String expected = "expected a list of ascending integers ≥ " + min + " such as [6000, 8000]";
    if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
      throw error(tuple.getValueNode(), qualify(key), expected, describe(tuple.getValueNode()));
    }
    List<Integer> out = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      String text = scalarText(item);
      int value;
      try {
        value = Integer.parseInt(text == null ? "" : text.trim());
      } catch (NumberFormatException e) {
        throw error(item, qualify(key), expected, text == null ? describe(item) : quote(text));
      }
      if (value < min || (!out.isEmpty() && value <= out.get(out.size() - 1))) {
        throw error(item, qualify(key), expected, text);
      }
      out.add(value);
    }
    return List.copyOf(out);
  }

  /** Slice indices, as a YAML list ({@code [27, 28, 29]}) or ranges ({@code "0-3,27-29"}). */
  List<Integer> indices(String key) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return List.of();
    }
    Node value = tuple.getValueNode();
    List<String> parts = new ArrayList<>();
    if (value instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        String text = scalarText(item);
        if (text == null) {
          throw error(item, qualify(key), "expected slice numbers", describe(item));
        }
        parts.add(text);
      }
    } else {
      for (String part : scalarText(value).split(",")) {
        parts.add(part);
      }
    }
    Set<Integer> out = new LinkedHashSet<>();
    for (String part : parts) {
      try {
        out.addAll(Indices.parse(part));
      } catch (IllegalArgumentException e) {
        throw error(value, qualify(key), "expected slice numbers ≥ 0 such as [27, 28, 29] or \"27-29\"", e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** Rejects unknown keys here and in every section read below this one. */
  void finish() {
    for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      if (!known.contains(entry.getKey())) {
        String suggestion = nearest(entry.getKey())
            .map(k -> "did you mean '" + k + "'? ")
            .orElse("");
        throw UserError.config(where(entry.getValue().getKeyNode()) + qualify(entry.getKey())
            + ": unknown key; " + suggestion + "known keys here: " + String.join(", ", known));
      }
    }
    children.forEach(YamlSection::finish);
  }

  UserError invalid(String key, String expected, String found) {
    NodeTuple tuple = entries.get(key);
    return error(tuple == null ? node : tuple.getValueNode(), qualify(key), expected, found);
  }

  private Optional<String> scalar(String key) {
    known.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return Optional.empty();
    }
    String text = scalarText(tuple.getValueNode());
    if (text == null) {
      throw error(tuple.getValueNode(), qualify(key), "expected a single value", describe(tuple.getValueNode()));
    }
    return Optional.of(text);
  }

  private Node value(String key) {
    return entries.get(key).getValueNode();
  }

  private Optional<String> nearest(String key) {
    LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
    return known.stream()
        .filter(k -> distance.apply(k, key) <= Math.max(2, k.length() / 3))
        .min(Comparator.comparingInt(k -> distance.apply(k, key)));
  }

  private String qualify(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private UserError error(Node at, String keyPath, String expected, String found) {
    String wanted = expected.startsWith("expected ") ? expected : "expected " + expected;
    return UserError.config(where(at) + keyPath + ": " + wanted + ", found " + found);
  }

  private String where(Node at) {
    return at == null ? file + ": " : file + ":" + line(at) + ": ";
  }

  private static int line(Node at) {
    return at.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
  }

  private static String scalarText(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : null;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return quote(scalarText(node));
  }

  private static String quote(String text) {
    return "'" + text + "'";
  }

  private static String rangeText(int min, int max) {
    return max == Integer.MAX_VALUE ? "≥ " + min : "from " + min + " to " + max;
  }
}
