// The butler's own actions: notifications, events, modes, schedules, and the allowlisted command runners.
import { execFile } from 'node:child_process';
import { ActionError } from '../../errors';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventIngest } from '../../bus/ingest';
import type { HomeAssistantConnection } from '../../ha/types';
import type { ActionRequest, HomeMode, JsonObject } from '../../types';
import { snapshotUrl } from '../../snapshots/store';
import type { ModeState } from '../modes';
import type { PolicyEngine } from '../policy';
import { actionListSchema } from '../../util/schema';
import type { ActionDefinition, ActionRegistry } from '../registry';
import type { Scheduler } from '../scheduler';

export interface ButlerActionDeps {
  registry: ActionRegistry;
  policy: PolicyEngine;
  modes: ModeState;
  ingest: EventIngest;
  scheduler: Scheduler;
  ha: HomeAssistantConnection;
  notifyService: string;
  execAllowlist: string[];
  scriptAllowlist: string[];
  scriptsDir: string;
}

const LEVELS = ['info', 'warning', 'critical'];
/** Scheduled tasks named `timer:<name>` are the household's timers ("set a pizza timer for 10 minutes"). */
export const TIMER_PREFIX = 'timer:';

/** Splits an allowlist entry into argv the way a person wrote it: on whitespace, no shell, no quoting rules. */
export function argvOf(entry: string): string[] {
  return entry.trim().split(/\s+/).filter(Boolean);
}

function runFile(file: string, args: string[], signal: AbortSignal, timeoutMs: number): Promise<JsonObject> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { shell: false, timeout: timeoutMs, maxBuffer: 256 * 1024, signal, windowsHide: true }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${file}: not found`));
      if (err && err.name === 'AbortError') return reject(new Error(`${file}: aborted`));
      const code = err ? ((err as { code?: unknown }).code ?? 1) : 0;
      resolvePromise({ exit_code: typeof code === 'number' ? code : 1, stdout: stdout.slice(0, 8192), stderr: stderr.slice(0, 8192) });
    });
  });
}

const timerParams = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

/**
 * The task id of the timer meant: the one with that name, or, without a name, the only one in those states. Several
 * without a name is an error that names them (the person says which).
 */
function oneTimer(scheduler: Scheduler, name: unknown, statuses: ('pending' | 'paused')[]): string {
  const timers = statuses.flatMap((s) => scheduler.list(s)).filter((t) => t.name.startsWith(TIMER_PREFIX));
  const label = (t: { name: string }) => t.name.slice(TIMER_PREFIX.length);
  const state = statuses.length === 1 && statuses[0] === 'paused' ? 'paused' : 'running';
  if (typeof name === 'string') {
    const t = timers.find((x) => label(x).toLowerCase() === name.toLowerCase());
    if (!t) {
      const known = timers.map(label);
      throw new ActionError(`no ${name} timer is ${state}${known.length ? ` (${state}: ${known.join(', ')})` : ''}`, 'no_such_timer', {
        name,
        state,
        known,
      });
    }
    return t.task_id;
  }
  if (timers.length === 0) throw new ActionError(`no timer is ${state}`, 'no_timer', { state });
  if (timers.length > 1)
    throw new ActionError(`${timers.length} timers are ${state} (${timers.map(label).join(', ')}): say which`, 'which_timer', {
      state,
      known: timers.map(label),
    });
  return timers[0].task_id;
}

function timerOutcome(
  changed: { task_id: string; name: string; status: string; run_at: number; paused_left_s: number | null }[],
): JsonObject {
  const now = Date.now() / 1000;
  return {
    timers: changed.map((t) => ({
      task_id: t.task_id,
      name: t.name.slice(TIMER_PREFIX.length),
      status: t.status,
      seconds_left: Math.round(t.status === 'paused' ? (t.paused_left_s ?? 0) : Math.max(0, t.run_at - now)),
    })),
  };
}

export function registerButlerActions(d: ButlerActionDeps): void {
  const defs: ActionDefinition[] = [
    {
      name: 'notify',
      description: 'Send a notification to the household through Home Assistant.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['message'],
        properties: {
          title: { type: 'string', maxLength: 200 },
          message: { type: 'string', minLength: 1, maxLength: 4000 },
          level: { type: 'string', enum: LEVELS, default: 'info' },
          snapshot_id: { type: 'string', pattern: '^snap_[0-9]{13}_[0-9a-f]{8}$', description: 'A kept camera picture to show with it' },
        },
      },
      risk: 'safe',
      handler: async (p, ctx) => {
        const [domain, service] = d.notifyService.split('.');
        const title = typeof p.title === 'string' ? p.title : 'Smart Butler';
        const level = String(p.level);
        // The picture travels as its butler URL: notify.* services (the companion apps) take it as data.image, a
        // persistent notification shows it as Markdown.
        const image = typeof p.snapshot_id === 'string' ? snapshotUrl(p.snapshot_id) : null;
        const event = {
          title,
          message: String(p.message),
          level,
          plan_id: ctx.plan_id,
          ...(image ? { snapshot_id: p.snapshot_id, image } : {}),
        };
        d.ingest.emit('notify', 'butler', event, LEVELS.indexOf(level) + 1);
        if (!d.ha.status().connected)
          throw new Error(`cannot deliver the notification: Home Assistant is not connected (${d.ha.status().detail})`);
        const data =
          image && domain === 'notify'
            ? { title, message: String(p.message), data: { image } }
            : { title, message: image ? `${String(p.message)}\n\n![snapshot](${image})` : String(p.message) };
        await d.ha.callService(domain, service, data);
        return { delivered_via: d.notifyService, title, level, ...(image ? { image } : {}) };
      },
    },
    {
      name: 'store_event',
      description: 'Record an event in the butler\'s audit trail (kind "record" marks a recording and is blocked in privacy mode).',
      params: {
        type: 'object',
        required: ['kind'],
        properties: {
          kind: { type: 'string', minLength: 1, maxLength: 64 },
          data: { type: 'object' },
          severity: { type: 'integer', minimum: 0, maximum: 3 },
        },
      },
      risk: 'safe',
      privacy: (p) => p.kind === 'record',
      handler: async (p, ctx) => {
        const { kind, severity, ...rest } = p;
        const e = d.ingest.emit(
          `stored.${String(kind)}`,
          'butler',
          { ...rest, plan_id: ctx.plan_id },
          typeof severity === 'number' ? severity : 0,
        );
        return { event_id: e.event_id };
      },
    },
    {
      name: 'set_mode',
      description: 'Set the home mode: home, away or night.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['mode'],
        properties: { mode: { type: 'string', enum: ['home', 'away', 'night'] } },
      },
      risk: 'safe',
      handler: async (p) => {
        d.modes.setMode(p.mode as HomeMode);
        return { mode: d.modes.mode };
      },
    },
    {
      name: 'set_privacy',
      description: 'Turn privacy mode on or off. While on, cameras and recording are blocked.',
      params: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } },
      // Turning privacy off re-enables cameras: that needs a trusted person.
      risk: 'safe',
      riskFor: (p) => (p.enabled === false ? 'sensitive' : 'safe'),
      handler: async (p) => {
        d.modes.setPrivacy(p.enabled === true);
        return { privacy: d.modes.privacy };
      },
    },
    {
      name: 'schedule_task',
      description: 'Run actions later: at run_at (ISO time or epoch seconds) or after delay_sec. Survives restarts.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['actions'],
        oneOf: [{ required: ['run_at'] }, { required: ['delay_sec'] }],
        properties: {
          name: { type: 'string', maxLength: 100 },
          run_at: {
            oneOf: [
              { type: 'number', minimum: 0 },
              { type: 'string', format: 'date-time' },
            ],
          },
          delay_sec: { type: 'number', minimum: 0, maximum: 31_536_000 },
          actions: actionListSchema(20),
        },
      },
      risk: 'safe',
      handler: async (p, ctx) => {
        const actions = (p.actions as unknown as ActionRequest[]).map((a) => ({
          action_type: a.action_type,
          params: d.registry.validate(a.action_type, a.params ?? {}),
        }));
        const runAt =
          p.run_at !== undefined
            ? typeof p.run_at === 'number'
              ? p.run_at
              : Date.parse(String(p.run_at)) / 1000
            : Date.now() / 1000 + Number(p.delay_sec);
        const task = d.scheduler.schedule({ name: typeof p.name === 'string' ? p.name : '', run_at: runAt, actions, origin: ctx.origin });
        return { task_id: task.task_id, name: task.name, run_at: new Date(task.run_at * 1000).toISOString() };
      },
    },
    {
      name: 'cancel_task',
      description: 'Cancel a scheduled task by its id (task) or name; with neither, cancel every running timer.',
      params: {
        type: 'object',
        additionalProperties: false,
        properties: { task: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
      },
      risk: 'safe',
      handler: async (p) => {
        const which = typeof p.task === 'string' ? p.task : typeof p.name === 'string' ? p.name : null;
        const cancelled = which
          ? d.scheduler.cancel(which)
          : [...d.scheduler.list('pending'), ...d.scheduler.list('paused')]
              .filter((t) => t.name.startsWith(TIMER_PREFIX))
              .flatMap((t) => d.scheduler.cancel(t.task_id));
        if (cancelled.length === 0)
          throw !which
            ? new ActionError('no timers are running', 'no_timer', { state: 'running' })
            : which.startsWith(TIMER_PREFIX)
              ? new ActionError(`no pending task with id or name "${which}"`, 'no_such_timer', {
                  name: which.slice(TIMER_PREFIX.length),
                  state: 'running',
                  known: [],
                })
              : new ActionError(`no pending task with id or name "${which}"`, 'no_such_task', { name: which });
        return { cancelled: cancelled.map((t) => t.task_id) };
      },
    },
    {
      name: 'pause_timer',
      description: 'Pause a running timer (by name; without one, the only timer running). It keeps the time it had left.',
      params: timerParams,
      risk: 'safe',
      handler: async (p) => timerOutcome(d.scheduler.pause(oneTimer(d.scheduler, p.name, ['pending']))),
    },
    {
      name: 'resume_timer',
      description: 'Resume a paused timer (by name; without one, the only timer paused) with the time it had left.',
      params: timerParams,
      risk: 'safe',
      handler: async (p) => timerOutcome(d.scheduler.resume(oneTimer(d.scheduler, p.name, ['paused']))),
    },
    {
      name: 'adjust_timer',
      description: 'Add seconds to a timer, or take them off with a negative number (by name; without one, the only timer).',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['seconds'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          seconds: { type: 'number', minimum: -86_400, maximum: 86_400 },
        },
      },
      risk: 'safe',
      handler: async (p) => timerOutcome(d.scheduler.shift(oneTimer(d.scheduler, p.name, ['pending', 'paused']), Number(p.seconds))),
    },
    {
      name: 'list_tasks',
      description: 'List pending scheduled tasks.',
      params: { type: 'object', additionalProperties: false, properties: {} },
      risk: 'safe',
      handler: async () => ({
        tasks: d.scheduler
          .list('pending')
          .map((t) => ({ task_id: t.task_id, name: t.name, run_at: new Date(t.run_at * 1000).toISOString(), actions: t.actions.length })),
      }),
    },
    {
      name: 'system_exec',
      description: 'Run a command on the butler host. Only exact command lines in exec_allowlist run; never through a shell.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['command'],
        properties: { command: { type: 'string', minLength: 1 }, args: { type: 'array', items: { type: 'string' }, default: [] } },
      },
      risk: 'dangerous',
      timeoutMs: 30_000,
      handler: async (p, ctx) => runFile(String(p.command), (p.args as string[]) ?? [], ctx.signal, 25_000),
    },
    {
      name: 'script_run',
      description: `Run a script from the butler's scripts folder. Only scripts named in script_allowlist run.`,
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['script'],
        properties: {
          script: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          args: { type: 'array', items: { type: 'string' }, default: [] },
        },
      },
      risk: 'dangerous',
      timeoutMs: 60_000,
      handler: async (p, ctx) => {
        const file = resolve(join(d.scriptsDir, String(p.script)));
        if (!existsSync(file)) throw new Error(`script ${String(p.script)} not found in ${d.scriptsDir}`);
        return runFile(file, (p.args as string[]) ?? [], ctx.signal, 55_000);
      },
    },
  ];
  for (const def of defs) d.registry.register({ provider: 'butler', ...def });

  d.policy.setAllowlist('system_exec', (p) => {
    const argv = [String(p.command), ...((p.args as string[] | undefined) ?? [])];
    const allowed = d.execAllowlist.some((entry) => {
      const want = argvOf(entry);
      return want.length === argv.length && want.every((w, i) => w === argv[i]);
    });
    return { allowed, what: argv.join(' '), list: 'exec_allowlist' };
  });
  d.policy.setAllowlist('script_run', (p) => ({
    allowed: d.scriptAllowlist.includes(String(p.script)),
    what: String(p.script),
    list: 'script_allowlist',
  }));
}
