package org.unettf.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One config key, with everything known about it in one place: its name, the values it takes, its
 * default, what it means, how it is read (with the one-line errors of {@link YamlSection}) and
 * where its value lives in its record, so that the same declaration drives loading, the resolved
 * config that runs write, and the README's reference.
 *
 * @param <R> the config record holding the key's value
 * @param <T> the value's type
 */
public final class Key<R, T> {
  private final String name;
  private final String allowed;
  private final String defaultText;
  private final String description;
  private final BiFunction<YamlSection, T, T> reader;
  private final T fallback;
  private final Function<R, T> accessor;

  private Key(String name, String allowed, String defaultText, String description, T fallback,
      BiFunction<YamlSection, T, T> reader, Function<R, T> accessor) {
    this.name = name;
    this.allowed = allowed;
    this.defaultText = defaultText;
    this.description = description;
    this.fallback = fallback;
    this.reader = reader;
    this.accessor = accessor;
  }

  public String name() {
    return name;
  }

  /** The values it takes, in words: "2 to 7", "true or false", "valid or same". */
  public String allowed() {
    return allowed;
  }

  /** The default, as the reference shows it. */
  public String defaultText() {
    return defaultText;
  }

  public String description() {
    return description;
  }

  /** The value in {@code section}, or the key's default. */
  T read(YamlSection section) {
    return reader.apply(section, fallback);
  }

  /** The value in {@code section}, or {@code fallback} where the default depends on other keys. */
  T read(YamlSection section, T fallback) {
    return reader.apply(section, fallback);
  }

  /** The key's value in {@code record}, as YAML holds it. */
  Object plain(R record) {
    return plainValue(accessor.apply(record));
  }

  /** This key with the values it takes described otherwise, where the reader checks more than its range. */
  Key<R, T> withAllowed(String text) {
    return new Key<>(name, text, defaultText, description, fallback, reader, accessor);
  }

  /** This key with another default, and the text the reference shows for it. */
  Key<R, T> withDefault(T value, String text) {
    return new Key<>(name, allowed, text, description, value, reader, accessor);
  }

  static <R> Key<R, Integer> integer(String name, Function<R, Integer> accessor, int fallback, int min, int max,
      String description) {
    String range = max == Integer.MAX_VALUE ? "≥ " + min : min + " to " + max;
    return new Key<>(name, "integer, " + range, String.valueOf(fallback), description, fallback,
        (s, f) -> s.integer(name, f, min, max), accessor);
  }

  static <R> Key<R, Long> longInteger(String name, Function<R, Long> accessor, long fallback, String description) {
    return new Key<>(name, "integer", String.valueOf(fallback), description, fallback,
        (s, f) -> s.longValue(name, f), accessor);
  }

  /** A number in [min, max], or in [min, max) with {@code maxExclusive}. */
  static <R> Key<R, Double> number(String name, Function<R, Double> accessor, double fallback, double min, double max,
      boolean maxExclusive, String description) {
    String range = plain(min) + (maxExclusive ? " up to (not including) " : " to ") + plain(max);
    return new Key<>(name, "number, " + range, plain(fallback), description, fallback,
        (s, f) -> s.number(name, f, min, max, maxExclusive), accessor);
  }

  static <R> Key<R, Boolean> bool(String name, Function<R, Boolean> accessor, boolean fallback, String description) {
    return new Key<>(name, "true or false", String.valueOf(fallback), description, fallback,
        (s, f) -> s.bool(name, f), accessor);
  }

  static <R, E extends Enum<E>> Key<R, E> choice(String name, Function<R, E> accessor, E fallback, Class<E> type,
      String description) {
    List<String> names = List.of(type.getEnumConstants()).stream().map(e -> "`" + lower(e) + "`").toList();
    return new Key<>(name, String.join(", ", names), "`" + lower(fallback) + "`", description, fallback,
        (s, f) -> s.choice(name, f, type), accessor);
  }

  static <R> Key<R, String> string(String name, Function<R, String> accessor, String fallback, String allowed,
      String description) {
    return new Key<>(name, allowed, "`" + fallback + "`", description, fallback, (s, f) -> s.string(name, f), accessor);
  }

  /** A path; with a null default the key is required. */
  static <R> Key<R, Path> path(String name, Function<R, Path> accessor, Path fallback, String description) {
    return new Key<>(name, "path", fallback == null ? "—" : "`" + fallback + "`", description, fallback,
        (s, f) -> s.path(name, f), accessor);
  }

  /** A key read its own way, with the reference's texts given. */
  static <R, T> Key<R, T> custom(String name, Function<R, T> accessor, String allowed, String defaultText,
      String description, BiFunction<YamlSection, T, T> reader) {
    return new Key<>(name, allowed, defaultText, description, null, reader, accessor);
  }

  /** A record's value as a plain YAML value: enums lower-case, paths as text, class maps as mappings. */
  static Object plainValue(Object value) {
    if (value instanceof ClassMap classes) {
      Map<Integer, String> byValue = new LinkedHashMap<>();
      for (int c = 0; c < classes.size(); c++) {
        byValue.put(classes.values().get(c), classes.names().get(c));
      }
      return byValue;
    }
    if (value instanceof Enum<?> e) {
      return lower(e);
    }
    if (value instanceof DataConfig.Pair pair) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("images", plainValue(pair.images()));
      source.put("labels", plainValue(pair.labels()));
      return source;
    }
    if (value instanceof Path p) {
      return p.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Key::plainValue).toList();
    }
    return value;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** 10 as "10", 0.25 as "0.25", 1e-9 as "1e-9": never Java's "1.0E-9". */
  static String plain(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    BigDecimal exact = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    if (Math.abs(v) >= 1e-3) {
      return exact.toPlainString();
    }
    return exact.unscaledValue() + "e" + (-exact.scale());
  }
}
