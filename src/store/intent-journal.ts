// Marks of actions about to be sent, appended to a file beside the database before each action goes out. A write()
// that has returned survives the process being killed, as the database's own commits do (WAL with synchronous =
// NORMAL does not fsync either), and costs a few microseconds on the event loop where a commit costs a few hundred
// and may have to wait for the writer thread. A mark carries the events and plans recorded before it that were not
// yet committed, so an action goes out only once what led to it is durable. Each mark is also queued for the database
// as an `action_intents` row; once every mark in the file is committed there, the file is emptied. At start-up what is
// still in the file is put into the database, so the action is reported `interrupted` and a redelivery of the event
// that caused it is known as a duplicate.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ActionPlan, ButlerEvent } from '../types';
import type { ActionIntent } from './audit';

export interface JournalEntry extends ActionIntent {
  /** Events and plans recorded before the action and not yet known to be committed (its own plan among them). */
  events?: ButlerEvent[];
  plans?: ActionPlan[];
}

/** The journal is the database's file name with this added (butler.db-intents). */
export const INTENT_JOURNAL_SUFFIX = '-intents';

/** The journal keeps appending until it is this large and everything in it is committed, then it is emptied. */
const EMPTY_AT_BYTES = 256 * 1024;

export class IntentJournal {
  private fd: number | null;
  private bytes = 0;
  /** Numbers of the marks written and of the last one known to be committed in the database. */
  private written = 0;
  private committedUpTo = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Reads the marks a previous run left (a torn last line, from a kill mid-write, is skipped and counted). */
  static read(path: string): { entries: JournalEntry[]; unreadable: number } {
    if (!existsSync(path)) return { entries: [], unreadable: 0 };
    const entries: JournalEntry[] = [];
    let unreadable = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (typeof e.plan_id === 'string' && Number.isInteger(e.index) && typeof e.action_type === 'string') entries.push(e);
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
    return { entries, unreadable };
  }

  /** Appends a mark; throws when it cannot be written (then the action must not be sent). Returns its number. */
  append(entry: JournalEntry): number {
    if (this.fd === null) throw new Error('the intent journal is closed');
    const line = `${JSON.stringify(entry)}\n`;
    this.bytes += writeSync(this.fd, line);
    return ++this.written;
  }

  /** Every mark up to number `n` is committed in the database. */
  committed(n: number): void {
    if (n > this.committedUpTo) this.committedUpTo = n;
    if (this.committedUpTo >= this.written && this.bytes >= EMPTY_AT_BYTES) this.empty();
  }

  /** Empties the file (appends go on at its new end: it is opened for appending). */
  empty(): void {
    if (this.fd === null) return;
    ftruncateSync(this.fd, 0);
    this.bytes = 0;
  }

  /** Closes the file; emptied first when everything in it is committed. */
  close(): void {
    if (this.fd === null) return;
    if (this.committedUpTo >= this.written) this.empty();
    closeSync(this.fd);
    this.fd = null;
  }
}
