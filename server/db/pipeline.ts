/**
 * Writes sent without waiting for their answer, inside one transaction: on PostgreSQL the server runs a batch's
 * INSERTs while this process classifies the next batch (an import's commit was half JavaScript, half SQL, one after
 * the other; issue 14). The statements still run in the order they were sent — one transaction is one connection,
 * whose driver queues them — so a later read sees every earlier write. PGlite runs in this thread: nothing overlaps,
 * nothing changes.
 *
 * A failure is kept (never an unhandled rejection) and thrown by the next `flush`; the transaction is then aborted
 * anyway, so every later statement fails too and nothing is half-written.
 */
export class WritePipeline {
  private pending: Promise<void>[] = [];
  private failure: { error: unknown } | null = null;

  send(write: Promise<unknown>): void {
    this.pending.push(
      write.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  /** Waits for every write sent so far; throws the first failure. */
  async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    await Promise.all(waiting);
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Asks for the next item as soon as the current one is handed out: the read of the next batch is queued before this
 * batch's writes, and the database answers it while this process works on the current batch. A read that fails is
 * thrown when its item is reached (never an unhandled rejection).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const ask = () => {
    const p = it.next();
    p.catch(() => {});
    return p;
  };
  let next = ask();
  for (;;) {
    const r = await next;
    if (r.done) return;
    next = ask();
    yield r.value;
  }
}
