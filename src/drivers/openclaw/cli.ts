// The OpenClaw CLI as a fallback when no gateway URL is set: `openclaw message send --channel … --target …
// --message … [--media …] [--reply-to …] [--thread-id …] --json`, run argv-exact without a shell (execFile,
// shell: false), and only the one executable the option `openclaw_cli` names. Its words never reach a shell, so
// quotes, `;` or `$(…)` in a message are just text.
import { execFile } from 'node:child_process';
import type { JsonObject } from '../../types';

export type CliSender = (params: Record<string, unknown>) => Promise<JsonObject>;

const MAX_OUTPUT = 256 * 1024;

/** The argv for one `send` (the gateway's params; `mediaPath` is a local file, used only here). */
export function cliArgs(p: Record<string, unknown>): string[] {
  const str = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  // A value passed as its own argument that looks like an option could be read as one: refused rather than passed.
  const value = (k: string, what: string) => {
    const v = str(k);
    if (v?.startsWith('-')) throw new Error(`message not sent: the ${what} "${v.slice(0, 64)}" starts with "-"`);
    return v;
  };
  const target = value('to', 'target');
  if (!target) throw new Error('message not sent: no target');
  const args = ['message', 'send'];
  const channel = value('channel', 'channel');
  if (channel) args.push('--channel', channel);
  args.push('--target', target);
  const message = str('message');
  if (message !== undefined) args.push(`--message=${message}`);
  const media = value('mediaPath', 'media') ?? value('mediaUrl', 'media');
  if (media) args.push('--media', media);
  const reply = value('replyToId', 'reply id');
  if (reply) args.push('--reply-to', reply);
  const thread = value('threadId', 'thread id');
  if (thread) args.push('--thread-id', thread);
  args.push('--json');
  return args;
}

/** A sender that runs `bin` once per message; the answer is its --json output when it prints one. */
export function cliSender(bin: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliSender {
  return (params) =>
    new Promise<JsonObject>((resolve, reject) => {
      let args: string[];
      try {
        args = cliArgs(params);
      } catch (err) {
        reject(err);
        return;
      }
      execFile(
        bin,
        args,
        { shell: false, timeout: opts.timeoutMs ?? 30_000, maxBuffer: MAX_OUTPUT, env: opts.env ?? process.env, windowsHide: true },
        (err, stdout, stderr) => {
          if (err) {
            const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
            if (e.code === 'ENOENT')
              return reject(new Error(`message not sent: the OpenClaw CLI "${bin}" was not found (option openclaw_cli)`));
            if (e.code === 'EACCES') return reject(new Error(`message not sent: the OpenClaw CLI "${bin}" cannot be run (not executable)`));
            if (e.killed)
              return reject(new Error(`message not sent: the OpenClaw CLI did not finish within ${opts.timeoutMs ?? 30_000} ms`));
            const why = String(stderr || stdout)
              .trim()
              .split('\n')
              .slice(-3)
              .join(' ')
              .slice(0, 400);
            return reject(new Error(`message not sent: the OpenClaw CLI failed (exit ${e.code ?? '?'})${why ? `: ${why}` : ''}`));
          }
          const out: JsonObject = { sent: true, via: 'cli' };
          try {
            const j = JSON.parse(String(stdout).trim().split('\n').at(-1) ?? '');
            const res = (j && typeof j === 'object' && (j.payload ?? j.result ?? j)) as Record<string, unknown>;
            for (const k of ['messageId', 'channel', 'chatId', 'runId'] as const)
              if (typeof res?.[k] === 'string') out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = res[k] as string;
          } catch {
            /* a CLI that prints no JSON: the exit code said it worked */
          }
          resolve(out);
        },
      );
    });
}
