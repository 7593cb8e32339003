package org.unettf.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tf.data-style input pipeline: a lazily evaluated stream built as
 * {@code source → shuffle(buffer) → map(fn, parallelism) → batch(n) → prefetch(k)}.
 *
 * <p>Parallel {@link #map} keeps the upstream order, so the stream does not depend on the number
 * of threads; randomness belongs in the elements (see {@link SampleKey}). Iterators own threads:
 * close them, and a worker's exception reaches {@code next()} as a {@link PipelineException}
 * carrying its cause.
 */
public abstract class Dataset<T> {

  /** An iterator that holds threads or buffers until closed. */
  public interface Cursor<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close();
  }

  /** A failure inside the pipeline, with the worker's exception as its cause. */
  public static final class PipelineException extends RuntimeException {
    PipelineException(String message, Throwable cause) {
      super(message + ": " + cause, cause);
    }
  }

  public abstract Cursor<T> cursor();

  /** Elements of {@code source}, in order. */
  public static <T> Dataset<T> of(Iterable<T> source) {
    return new Dataset<>() {
      @Override
      public Cursor<T> cursor() {
        Iterator<T> it = source.iterator();
        return new Cursor<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public T next() {
            return it.next();
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /**
   * tf.data's shuffle: keeps {@code buffer} elements and emits a random one of them each time,
   * refilling from upstream. A buffer at least as large as an epoch shuffles it fully.
   */
  public Dataset<T> shuffle(int buffer, long seed) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<T> cursor() {
        Cursor<T> in = upstream.cursor();
        SplittableRandom random = new SplittableRandom(seed);
        List<T> pool = new ArrayList<>(buffer);
        return new Cursor<>() {
          @Override
          public boolean hasNext() {
            fill();
            return !pool.isEmpty();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            int pick = random.nextInt(pool.size());
            T out = pool.get(pick);
            pool.set(pick, pool.get(pool.size() - 1));
            pool.remove(pool.size() - 1);
            return out;
          }

          private void fill() {
            while (pool.size() < buffer && in.hasNext()) {
              pool.add(in.next());
            }
          }

          @Override
          public void close() {
            in.close();
          }
        };
      }
    };
  }

  /** Drops the first {@code n} elements: how a resumed run catches up with its stream. */
  public Dataset<T> skip(long n) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<T> cursor() {
        Cursor<T> in = upstream.cursor();
        for (long i = 0; i < n && in.hasNext(); i++) {
          in.next();
        }
        return in;
      }
    };
  }

  /** The first {@code n} elements. */
  public Dataset<T> take(long n) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<T> cursor() {
        Cursor<T> in = upstream.cursor();
        return new Cursor<>() {
          long taken;

          @Override
          public boolean hasNext() {
            return taken < n && in.hasNext();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            taken++;
            return in.next();
          }

          @Override
          public void close() {
            in.close();
          }
        };
      }
    };
  }

  /** Applies {@code fn} on {@code parallelism} worker threads, keeping the upstream order. */
  public <R> Dataset<R> map(Function<? super T, ? extends R> fn, int parallelism) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<R> cursor() {
        Cursor<T> in = upstream.cursor();
        ExecutorService workers = Executors.newFixedThreadPool(parallelism, daemon("unet-map"));
        ArrayDeque<Future<R>> pending = new ArrayDeque<>();
        int ahead = 2 * parallelism;
        return new Cursor<>() {
          @Override
          public boolean hasNext() {
            top();
            return !pending.isEmpty();
          }

          @Override
          public R next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Future<R> head = pending.poll();
            try {
              return head.get();
            } catch (ExecutionException e) {
              throw new PipelineException("input pipeline worker failed", e.getCause());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new PipelineException("input pipeline interrupted", e);
            } finally {
              top();
            }
          }

          private void top() {
            while (pending.size() < ahead && in.hasNext()) {
              T item = in.next();
              pending.add(workers.submit(() -> fn.apply(item)));
            }
          }

          @Override
          public void close() {
            pending.forEach(f -> f.cancel(true));
            pending.clear();
            shutdown(workers);
            in.close();
          }
        };
      }
    };
  }

  /** Groups consecutive elements into lists of {@code n}; the last may be shorter. */
  public Dataset<List<T>> batch(int n) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<List<T>> cursor() {
        Cursor<T> in = upstream.cursor();
        return new Cursor<>() {
          @Override
          public boolean hasNext() {
            return in.hasNext();
          }

          @Override
          public List<T> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            List<T> out = new ArrayList<>(n);
            while (out.size() < n && in.hasNext()) {
              out.add(in.next());
            }
            return out;
          }

          @Override
          public void close() {
            in.close();
          }
        };
      }
    };
  }

  /**
   * Computes up to {@code k} elements ahead on a background thread, so the consumer finds the
   * next one ready.
   */
  public Dataset<T> prefetch(int k) {
    Dataset<T> upstream = this;
    return new Dataset<>() {
      @Override
      public Cursor<T> cursor() {
        return new Prefetcher<>(upstream.cursor(), k);
      }
    };
  }

  private static final class Prefetcher<T> implements Cursor<T> {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final Cursor<T> in;
    private volatile boolean closed;
    private Object head;

    private record Failure(Throwable error) {}

    Prefetcher(Cursor<T> in, int k) {
      this.in = in;
      this.queue = new ArrayBlockingQueue<>(k);
      this.thread = daemon("unet-prefetch").newThread(this::fill);
      thread.start();
    }

    private void fill() {
      try {
        while (!closed && in.hasNext()) {
          queue.put(in.next());
        }
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        try {
          queue.put(new Failure(e));
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public boolean hasNext() {
      if (head == null) {
        try {
          head = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PipelineException("input pipeline interrupted", e);
        }
      }
      if (head instanceof Failure f) {
        Throwable cause = f.error instanceof PipelineException p && p.getCause() != null ? p.getCause() : f.error;
        throw new PipelineException("input pipeline worker failed", cause);
      }
      return head != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T out = (T) head;
      head = null;
      return out;
    }

    @Override
    public void close() {
      closed = true;
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queue.clear();
      in.close();
    }
  }

  private static void shutdown(ExecutorService workers) {
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
