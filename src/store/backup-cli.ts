// `butler backup` and `butler restore FILE`: the database's backups from the command line. Home Assistant runs
// `butler backup` inside the add-on before it archives /data (config.yaml backup_pre); `butler restore` checks a copy
// and stages it, and the butler applies it at its next start (it never swaps the file under a running butler).
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/load';
import { BACKUP_DIR, BEFORE_RESTORE, DB_FILE, RestoreError, backupDatabase, stageRestore } from './backup';

interface Out {
  write(s: string): unknown;
}

function dataDirOf(args: string[]): { dataDir: string; rest: string[] } {
  const rest: string[] = [];
  let dataDir: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') {
      dataDir = args[++i] ?? '';
      if (!dataDir) throw new ConfigError(['--data-dir: give the data folder (the one holding butler.db)']);
    } else rest.push(args[i]);
  }
  return { dataDir: dataDir ?? loadConfig().options.data_dir, rest };
}

export async function runBackupCli(command: 'backup' | 'restore', args: string[], stdout: Out, stderr: Out): Promise<number> {
  let dataDir: string;
  let rest: string[];
  try {
    ({ dataDir, rest } = dataDirOf(args));
  } catch (err) {
    stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (command === 'backup') {
    if (rest.length) {
      stderr.write(`butler backup: unexpected argument "${rest[0]}"\n`);
      return 2;
    }
    try {
      const r = await backupDatabase(join(dataDir, DB_FILE), join(dataDir, BACKUP_DIR));
      stdout.write(`backed up to ${r.file} (${r.bytes} bytes, integrity ok)\n`);
      return 0;
    } catch (err) {
      stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
  }
  if (rest.length !== 1) {
    stderr.write('usage: butler restore FILE [--data-dir DIR]\n');
    return 2;
  }
  try {
    const c = stageRestore(rest[0], dataDir);
    stdout.write(
      `${c.file} is sound (${c.migrations} migrations, ${c.bytes} bytes): it replaces the database at the next start of the butler; ` +
        `the database it replaces is kept as ${join(dataDir, BEFORE_RESTORE)}\n`,
    );
    return 0;
  } catch (err) {
    stderr.write(`${err instanceof RestoreError ? 'cannot restore: ' : ''}${(err as Error).message}\n`);
    return 1;
  }
}
