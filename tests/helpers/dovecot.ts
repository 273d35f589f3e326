// A real IMAP server (Debian dovecot-imapd) per test file, on a free port, with a throwaway configuration in a temp
// directory: plain IMAP on loopback, one mail user from a passwd file, Maildir storage. Run as the current user;
// under root the login and mail processes use "nobody" (dovecot refuses to run them as root).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { canConnect } from './mosquitto';
import { freePort } from './ports';

export const DOVECOT = process.env.BUTLER_TEST_DOVECOT ?? '/usr/sbin/dovecot';

export interface TestImap {
  host: string;
  port: number;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/** Why the IMAP tests cannot run here (no dovecot), or null. */
export function dovecotMissing(): string | null {
  return existsSync(DOVECOT) ? null : `${DOVECOT} is missing: install the Debian package dovecot-imapd to run the IMAP tests`;
}

export async function startDovecot(opts: { username?: string; password?: string } = {}): Promise<TestImap> {
  const username = opts.username ?? 'butler';
  const password = opts.password ?? 'imap-test-secret';
  const dir = mkdtempSync(join(tmpdir(), 'butler-dovecot-'));
  chmodSync(dir, 0o755);
  const me = userInfo();
  const root = me.uid === 0;
  // Mail and login processes cannot be root: "nobody" owns the mail under root.
  const mailUid = root ? 65534 : me.uid;
  const mailGid = root ? 65534 : me.gid;
  const loginUser = root ? 'nobody' : me.username;
  const home = join(dir, 'home');
  for (const d of ['run', 'state', 'home']) mkdirSync(join(dir, d));
  if (root) chownSync(home, mailUid, mailGid);
  const port = await freePort();
  writeFileSync(join(dir, 'passwd'), `${username}:{PLAIN}${password}\n`);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `instance_name = butler-test-${port}`,
      'log_path = /dev/stderr',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `default_internal_user = ${me.username}`,
      `default_login_user = ${loginUser}`,
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${dir}/passwd`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${mailUid} gid=${mailGid} home=${home}/%u`,
      '}',
      'mail_location = maildir:~/Maildir',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '  chroot =',
      '}',
      'service anvil {',
      '  chroot =',
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`dovecot exited (${child.exitCode ?? child.signalCode}) before accepting connections: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dovecot did not accept connections on 127.0.0.1:${port} within 15 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(hard);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
