// The `butler` command line. `npx butler intents ...` measures offline understanding; `npx butler start` runs the service;
// `butler backup` and `butler restore FILE` copy the database and bring a copy back (Home Assistant runs the first
// before it backs up the add-on).
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'intents': {
      const { runIntentsCli } = require('./brain/intents/cli') as typeof import('./brain/intents/cli');
      return runIntentsCli(rest, process.stdin, process.stdout, process.stderr);
    }
    case 'backup':
    case 'restore': {
      const { runBackupCli } = require('./store/backup-cli') as typeof import('./store/backup-cli');
      return runBackupCli(command, rest, process.stdout, process.stderr);
    }
    case 'start':
    case undefined: {
      const { runMain } = require('./main') as typeof import('./main');
      await runMain();
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

const USAGE = `usage: butler [start]                       run the butler (same as npm start)
       butler intents --language en|zh-cn --fixtures FILE < in.jsonl > out.jsonl
                                            understand one sentence per JSON line, offline
       butler backup [--data-dir DIR]      copy the database, consistently, into DIR/backup/ (the butler may run)
       butler restore FILE [--data-dir DIR]
                                            check a backup and restore it at the next start of the butler
`;
