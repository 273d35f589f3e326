// Moves SQLite's WAL checkpoints (copying the log back into the database and fsyncing it: tens of milliseconds)
// off the event loop. The main connection turns automatic checkpoints off; a worker thread with its own connection
// runs PASSIVE checkpoints, which never block the writer, once a second while there is something to copy.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const tick = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.checkpointed > 0) parentPort.postMessage({ checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(tick, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    tick();
    db.close();
    parentPort.postMessage({ stopped: true });
  }
});
`;

export interface Checkpointer {
  /** Checkpoints done by the worker since start. */
  readonly checkpoints: () => number;
  /** Last error the worker reported, if any. */
  readonly lastError: () => string | null;
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, everyMs = 1000): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, everyMs, driver: require.resolve('better-sqlite3') },
    // A checkpointer needs almost no heap.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  let count = 0;
  let lastError: string | null = null;
  worker.on('message', (m: { checkpointed?: number; error?: string }) => {
    if (m.checkpointed) count++;
    if (m.error) lastError = m.error;
  });
  worker.on('error', (err) => (lastError = err.message));
  return {
    checkpoints: () => count,
    lastError: () => lastError,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          void worker.terminate().then(() => resolve());
        };
        worker.once('message', done);
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        setTimeout(done, 2000).unref();
      }),
  };
}
