// The OpenClaw CLI fallback: with no gateway URL and `openclaw_cli` set, messages go out by running that one
// executable as `openclaw message send …`, argv-exact and without a shell (a fake `openclaw` script on PATH, written
// here, records its argv). Shell characters stay text; a failing CLI is an error in words; without the option the
// CLI is never run, even when one is on PATH.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenClawPart } from '../src/drivers/openclaw/part';
import { cliArgs } from '../src/drivers/openclaw/cli';
import type { TurnReply } from '../src/conversation/turn';
import { silentLogger } from '../src/log';
import { SnapshotStore } from '../src/snapshots/store';
import type { JsonObject } from '../src/types';
import { buildCore } from './helpers/core';

const FAKE = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_OPENCLAW_LOG, JSON.stringify(argv) + '\\n');
const target = argv[argv.indexOf('--target') + 1];
if (target === 'down') { console.error('Error: channel telegram is not linked (run openclaw channels login)'); process.exit(3); }
const channel = argv.includes('--channel') ? argv[argv.indexOf('--channel') + 1] : 'telegram';
console.log(JSON.stringify({ ok: true, messageId: 'cli-42', channel, chatId: target }));
`;

describe('OpenClaw CLI fallback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'butler-openclaw-cli-'));
  const logFile = join(dir, 'argv.log');
  const core = buildCore({ actionTimeoutMs: 20_000 });
  const store = new SnapshotStore({ dir: join(dir, 'snapshots') });
  const parts: OpenClawPart[] = [];
  const runs = (): string[][] =>
    existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  const host = (c = core) => ({
    registry: c.registry,
    ingest: c.ingest,
    converse: async () => ({ handled: false, reply: '' }) as unknown as TurnReply,
    log: silentLogger(),
  });

  before(() => {
    writeFileSync(join(dir, 'openclaw'), FAKE);
    chmodSync(join(dir, 'openclaw'), 0o755);
    process.env.PATH = `${dir}:${process.env.PATH}`;
    process.env.FAKE_OPENCLAW_LOG = logFile;
    const part = new OpenClawPart({
      version: 'test',
      cli: 'openclaw',
      snapshots: () => store,
      isKnownRecipient: (channel, target) => channel === 'telegram' && target === '111',
    });
    part.start(host());
    parts.push(part);
  });
  after(async () => {
    for (const p of parts) await p.stop();
    core.close();
  });

  const run = (action: string, params: JsonObject, origin = { source: 'api', trusted: true }, c = core) =>
    c.door.execute({ actions: [{ action_type: action, params }], origin });

  test('a message goes out as `openclaw message send …`, argv-exact, shell characters as text', async () => {
    const text = `it's "done"; rm -rf / $(whoami) \`id\` | cat > ${join(dir, 'pwned')} & -n`;
    const out = await run('openclaw_message_send', { target: '111', channel: 'telegram', message: text, thread_id: '9', reply_to: 'm7' });
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    assert.deepEqual(runs().at(-1), [
      'message',
      'send',
      '--channel',
      'telegram',
      '--target',
      '111',
      `--message=${text}`,
      '--reply-to',
      'm7',
      '--thread-id',
      '9',
      '--json',
    ]);
    assert.deepEqual(out.results[0].output, { sent: true, via: 'cli', message_id: 'cli-42', channel: 'telegram', chat_id: '111' });
    assert.equal(existsSync(join(dir, 'pwned')), false, 'no shell ran the message');
    assert.match(String(parts[0].health().detail), /sending with the OpenClaw CLI \(openclaw\)/);
  });

  test('media by snapshot id is the kept file; by URL the URL', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } })
      .jpeg()
      .toBuffer();
    const snap = await store.save(jpeg, { source: 'onvif', camera: 'porch' });
    const out = await run('openclaw_send_media', { target: '111', channel: 'telegram', snapshot_id: snap.id, caption: 'porch' });
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    const argv = runs().at(-1)!;
    assert.equal(argv[argv.indexOf('--media') + 1], join(store.dir, `${snap.id}.jpg`));
    assert.ok(argv.includes('--message=porch'));
    await run('openclaw_send_media', { target: '111', channel: 'telegram', url: 'https://example.com/p.jpg' });
    assert.equal(runs().at(-1)![runs().at(-1)!.indexOf('--media') + 1], 'https://example.com/p.jpg');
    const missing = await run('openclaw_send_media', { target: '111', channel: 'telegram', snapshot_id: 'snap_1000000000000_deadbeef' });
    assert.match(String((missing.results[0].output as JsonObject).error), /no snapshot snap_1000000000000_deadbeef/);
  });

  test('a failing CLI is an error in words; a target that looks like an option is refused; strangers wait', async () => {
    const before = runs().length;
    const out = await run('openclaw_message_send', { target: 'down', channel: 'telegram', message: 'x' });
    assert.match(
      String((out.results[0].output as JsonObject).error),
      /message not sent: the OpenClaw CLI failed \(exit 3\): Error: channel telegram is not linked/,
    );
    const dash = await run('openclaw_message_send', { target: '--help', message: 'x' });
    assert.match(String((dash.results[0].output as JsonObject).error), /the target "--help" starts with "-"/);
    const thread = await run('openclaw_message_send', { target: '111', channel: 'telegram', message: 'x', thread_id: '--exec=x' });
    assert.match(String((thread.results[0].output as JsonObject).error), /the thread id "--exec=x" starts with "-"/);
    assert.equal(runs().length, before + 1, 'the option-like target and thread id never ran');
    const stranger = await run(
      'openclaw_message_send',
      { target: '999', channel: 'telegram', message: 'x' },
      { source: 'email', trusted: false },
    );
    assert.equal(stranger.results[0].status, 'pending_confirmation');
    assert.throws(() => cliArgs({ message: 'x' }), /no target/);
  });

  test('without openclaw_cli the CLI on PATH is never run; a missing executable is named', async () => {
    const c = buildCore();
    const off = new OpenClawPart({ version: 'test' });
    off.start(host(c));
    parts.push(off);
    const before = runs().length;
    const out = await run('openclaw_message_send', { target: '111', message: 'x' }, { source: 'api', trusted: true }, c);
    assert.match(String((out.results[0].output as JsonObject).error), /no OpenClaw gateway is configured/);
    assert.equal(runs().length, before);
    c.close();
    const c2 = buildCore();
    const gone = new OpenClawPart({ version: 'test', cli: 'openclaw-not-installed' });
    gone.start(host(c2));
    parts.push(gone);
    const out2 = await run('openclaw_message_send', { target: '111', message: 'x' }, { source: 'api', trusted: true }, c2);
    assert.match(
      String((out2.results[0].output as JsonObject).error),
      /the OpenClaw CLI "openclaw-not-installed" was not found \(option openclaw_cli\)/,
    );
    c2.close();
  });
});
