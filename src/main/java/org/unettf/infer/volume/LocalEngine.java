package org.unettf.infer.volume;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.unettf.model.NativeMemory;

/**
 * Blocks on a pool of threads sharing one model: TensorFlow runs a session from several threads at
 * once, so while one block's tiles are in the network another block is read, converted or written.
 * At most twice as many blocks as threads are under way or, for outputs written in order (TIFF
 * stacks), finished but waiting for an earlier one; memory is bounded by that many blocks, once
 * the native memory freed by the network is handed back now and then ({@link NativeMemory#trim}):
 * without that, resident memory crept up by a third between 512 MB and 2 GB volumes.
 */
final class LocalEngine implements Engine {
  /** Voxels between trims: a few seconds of work, so the holes never grow large. */
  static final long TRIM_VOXELS = 1L << 24;

  private final BlockWorker worker;
  private final int threads;
  private final boolean ordered;
  private final AtomicLong sinceTrim = new AtomicLong();

  LocalEngine(BlockWorker worker, int threads, boolean ordered) {
    this.worker = worker;
    this.threads = threads;
    this.ordered = ordered;
  }

  @Override
  public void run(long[] blocks, VolumeProgress progress) {
    if (blocks.length == 0) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, named());
    Window window = new Window(2 * threads, blocks.length, ordered);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try {
      for (int i = 0; i < blocks.length && failure.get() == null; i++) {
        window.enter();
        if (failure.get() != null) {
          break;
        }
        int position = i;
        pool.execute(() -> {
          try {
            if (failure.get() == null) {
              long voxels = worker.process(blocks[position]);
              progress.done(voxels);
              if (sinceTrim.addAndGet(voxels) >= TRIM_VOXELS) {
                sinceTrim.set(0);
                NativeMemory.trim();
              }
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          } finally {
            window.leave(position);
          }
        });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, e);
    } finally {
      // Blocks under way finish (their chunks are whole either way); none start after a failure.
      pool.shutdown();
      awaitQuietly(pool);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "unet-tf-block-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Admits blocks while fewer than {@code size} are under way or waiting for an earlier one to be written. */
  private static final class Window {
    private final Semaphore permits;
    private final boolean ordered;
    private final boolean[] finished;
    private int next;

    Window(int size, int blocks, boolean ordered) {
      this.permits = new Semaphore(size);
      this.ordered = ordered;
      this.finished = ordered ? new boolean[blocks] : null;
    }

    void enter() throws InterruptedException {
      permits.acquire();
    }

    void leave(int position) {
      if (!ordered) {
        permits.release();
        return;
      }
      synchronized (this) {
        finished[position] = true;
        while (next < finished.length && finished[next]) {
          next++;
          permits.release();
        }
      }
    }
  }
}
