// What the rule, scene and goal services need from the butler: narrow enough to build from the test core.
import type { MqttClient } from 'mqtt';
import type { ActionRegistry } from '../../actions/registry';
import type { ActionExecutor } from '../../actions/types';
import type { Bus } from '../../bus/bus';
import type { HomeAssistantConnection } from '../../ha/types';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import type { ButlerEvent, HomeMode, JsonObject } from '../../types';

export interface BrainDeps {
  bus: Bus;
  door: ActionExecutor;
  registry: ActionRegistry;
  ha: Pick<HomeAssistantConnection, 'getState' | 'states'>;
  db: OpenedDb;
  ingest: { emit(type: string, source: string, payload?: JsonObject, severity?: number, correlation_id?: string | null): ButlerEvent };
  modes: { readonly mode: HomeMode; readonly privacy: boolean };
  log: Logger;
  /** The MQTT client for topic triggers (the butler connects MQTT before the brain starts; tests may leave it out). */
  mqtt?: () => MqttClient | null | undefined;
}

/** Event sources whose events may drive trusted rule runs; anything else (mqtt, messaging, webhooks ...) is untrusted. */
export const TRUSTED_EVENT_SOURCES = new Set([
  'ha',
  'butler',
  'rule',
  'scene',
  'goal',
  'schedule',
  'system',
  'policy',
  'flow',
  'api',
  'panel',
  'assist',
  'planner',
]);

export function isTrustedSource(source: string): boolean {
  return TRUSTED_EVENT_SOURCES.has(source);
}

/** "07:30" / "7:30:15" -> seconds after midnight, or null. */
export function parseClock(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  if (h > 23 || min > 59 || sec > 59) return null;
  return h * 3600 + min * 60 + sec;
}

/** A duration given as seconds or "HH:MM:SS" / "MM:SS" -> milliseconds, or null. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return v >= 0 && Number.isFinite(v) ? v * 1000 : null;
  if (typeof v !== 'string') return null;
  const parts = v.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d{1,2}$/.test(p))) return null;
  const nums = parts.map(Number);
  const [h, m, s] = nums.length === 3 ? nums : [0, nums[0], nums[1]];
  if (m > 59 || s > 59) return null;
  return ((h * 60 + m) * 60 + s) * 1000;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
