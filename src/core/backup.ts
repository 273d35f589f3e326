// The "backup" part: a consistent copy of the database into <data>/backup/ every `backup_interval_hours` and on
// request (POST /api/backup), the newest BACKUP_KEEP kept. Home Assistant's add-on backup runs `butler backup` first
// (config.yaml backup_pre), so what it archives is one of these copies, never a live file caught mid-write.
import { join } from 'node:path';
import type { Logger } from '../log';
import type { ComponentHealth, Part } from '../parts/part';
import { BACKUP_DIR, BACKUP_KEEP, type BackupInfo, type BackupResult, backupDatabase, listBackups } from '../store/backup';

export interface BackupService {
  backupNow(): Promise<BackupResult>;
  list(): BackupInfo[];
}

export class BackupPart implements Part<void>, BackupService {
  readonly name = 'backup';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<BackupResult> | null = null;
  private last: { ok: true; result: BackupResult } | { ok: false; error: string; ts: number } | null = null;

  constructor(private readonly opts: { dbPath: string; dataDir: string; intervalHours: number; log: Logger }) {}

  get dir(): string {
    return join(this.opts.dataDir, BACKUP_DIR);
  }

  start(): void {
    if (this.opts.intervalHours <= 0) return;
    this.timer = setInterval(() => void this.backupNow().catch(() => undefined), this.opts.intervalHours * 3600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One backup at a time: a request while one runs gets that one's result. */
  backupNow(): Promise<BackupResult> {
    if (this.running) return this.running;
    const p = backupDatabase(this.opts.dbPath, this.dir, { keep: BACKUP_KEEP })
      .then((result) => {
        this.last = { ok: true, result };
        this.opts.log.info({ file: result.file, bytes: result.bytes }, 'database backed up');
        return result;
      })
      .catch((err: Error) => {
        this.last = { ok: false, error: err.message, ts: Date.now() / 1000 };
        this.opts.log.error({ err: err.message }, 'database backup failed');
        throw err;
      })
      .finally(() => {
        this.running = null;
      });
    this.running = p;
    return p;
  }

  list(): BackupInfo[] {
    return listBackups(this.dir);
  }

  health(): ComponentHealth {
    if (this.last && !this.last.ok) return { ok: false, detail: `the last backup failed: ${this.last.error}` };
    const newest = this.list()[0];
    const every = this.opts.intervalHours > 0 ? `every ${this.opts.intervalHours} h` : 'on request only';
    return { ok: true, detail: newest ? `${every}; latest ${newest.file}` : `${every}; none yet` };
  }
}
