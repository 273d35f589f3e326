// The audit trail's batch writes on a worker thread with its own connection (like the checkpointer), so the event loop
// does not run the inserts. Batches go in order; each answers on a MessagePort and bumps a shared counter, so the
// main thread can also wait for one synchronously (a read that must see what was accepted, an intent that must be
// committed before its action is sent).
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { port, done, path, sqls, autocheckpoint, maxPageCount } = workerData;
const db = new Database(path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
if (!autocheckpoint) db.pragma('wal_autocheckpoint = 0');
if (maxPageCount) db.pragma('max_page_count = ' + Number(maxPageCount));
const stmts = sqls.map((s) => db.prepare(s));
const write = db.transaction((rows) => {
  for (const r of rows) stmts[r[0]].run(...r[1]);
});
const counter = new Int32Array(done);
port.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    port.postMessage({ stopped: true });
    port.close();
    return;
  }
  let error = null;
  try {
    write(m.rows);
  } catch (err) {
    error = String((err && err.message) || err);
  }
  port.postMessage({ seq: m.seq, error });
  Atomics.store(counter, 0, m.seq);
  Atomics.notify(counter, 0);
});
`;

/** One row to write: the index of its statement and its positional parameters. */
export type WriterRow = [number, unknown[]];

export interface BatchOutcome {
  seq: number;
  error: string | null;
}

export class BatchWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private seq = 0;
  private stopped = false;
  private onStopped: (() => void) | null = null;

  constructor(
    path: string,
    sqls: string[],
    private readonly onOutcome: (o: BatchOutcome) => void,
    opts: { autocheckpoint?: boolean; maxPageCount?: number } = {},
  ) {
    const done = new SharedArrayBuffer(4);
    this.counter = new Int32Array(done);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        done,
        path,
        sqls,
        autocheckpoint: opts.autocheckpoint ?? true,
        maxPageCount: opts.maxPageCount ?? 0,
        driver: require.resolve('better-sqlite3'),
      },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    this.worker.unref();
    this.port.on('message', (m: BatchOutcome & { stopped?: boolean }) => {
      if (m.stopped) this.onStopped?.();
      else this.outcome(m);
    });
    this.port.unref();
  }

  /** Batches sent and not answered keep the process alive (someone may be waiting for them); none, and it may end. */
  private outcome(o: BatchOutcome): void {
    if (o.seq >= this.seq) this.port.unref();
    this.onOutcome(o);
  }

  /** Sends a batch; its outcome comes to onOutcome (or to waitFor). */
  write(rows: WriterRow[]): number {
    if (this.stopped) throw new Error('the database writer is stopped');
    this.port.ref();
    this.seq++;
    this.port.postMessage({ seq: this.seq, rows });
    return this.seq;
  }

  /** The last batch sent. */
  get last(): number {
    return this.seq;
  }

  /**
   * Blocks until batch `seq` is written (or `timeoutMs` passed), handing every outcome that arrived to onOutcome
   * first, in order. Returns false on a timeout.
   */
  waitFor(seq: number, timeoutMs = 30_000): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = Atomics.load(this.counter, 0);
      if (at >= seq) break;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.counter, 0, at, left);
    }
    this.poll();
    return true;
  }

  /** Hands every outcome that has already arrived to onOutcome, without waiting. */
  poll(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const o = m.message as BatchOutcome & { stopped?: boolean };
      if (!o.stopped) this.outcome(o);
    }
  }

  /** Waits for what was sent, closes the worker's connection and ends it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.waitFor(this.seq);
    this.stopped = true;
    await new Promise<void>((resolve) => {
      this.onStopped = resolve;
      this.port.ref();
      this.port.postMessage('stop');
      setTimeout(resolve, 2000).unref();
    });
    this.port.close();
    await this.worker.terminate();
  }
}
