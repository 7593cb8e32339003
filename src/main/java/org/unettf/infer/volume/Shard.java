package org.unettf.infer.volume;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unettf.error.UserError;

/**
 * One process's share of the blocks when several processes (the tasks of a SLURM or LSF job array)
 * write one output on a shared file system: block {@code b} belongs to shard {@code b mod count}.
 */
public record Shard(int index, int count) {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

  public static final Shard ALL = new Shard(0, 1);

  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("shard " + index + "/" + count);
    }
  }

  /** {@code K/N}, K counted from 0, as SLURM numbers an array given {@code --array=0-(N-1)}. */
  public static Shard parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw UserError.config("--shard: expected K/N (this process's number K from 0 to N-1, of N processes), found '"
          + text + "'");
    }
    int index = Integer.parseInt(m.group(1));
    int count = Integer.parseInt(m.group(2));
    if (count < 1 || index >= count) {
      throw UserError.config("--shard: expected K/N with 0 ≤ K < N (SLURM: --array=0-" + (count < 1 ? "N-1" : count - 1)
          + " and --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), found '" + text + "'");
    }
    return new Shard(index, count);
  }

  public boolean owns(long block) {
    return block % count == index;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
