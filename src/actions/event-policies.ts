// The original system's event policies, kept because households rely on them:
//  R1_arrival: a person in the entry zone while not away -> notify (cooldown arrival_cooldown_s).
//  R2_intrusion_entry: intrusion_threshold such events within intrusion_window_s while away -> critical notify + record.
// Events: type "person_detected" (or "presence"), payload.zone "entry".
import type { Bus } from '../bus/bus';
import type { Part } from '../parts/part';
import type { ButlerOptions } from '../config/schema';
import type { ButlerEvent, HomeMode } from '../types';
import type { ActionExecutor } from './types';

export const ENTRY_EVENT_TYPES = new Set(['person_detected', 'presence']);

export interface EventPoliciesHost {
  bus: Bus;
  door: ActionExecutor;
  modes: { readonly mode: HomeMode };
  options: Pick<ButlerOptions, 'arrival_cooldown_s' | 'intrusion_window_s' | 'intrusion_threshold'>;
}

export class EventPolicies implements Part<EventPoliciesHost> {
  readonly name = 'policies';
  private lastArrival = 0;
  private lastIntrusion = 0;
  private entryTimes: number[] = [];

  private host: EventPoliciesHost | null = null;

  start(host: EventPoliciesHost): void {
    this.host = host;
    host.bus.on('event', (e) => void this.onEvent(host, e), 'event-policies');
  }

  stop(): void {
    this.host?.bus.removeOwner('event-policies');
  }

  private async onEvent(host: EventPoliciesHost, e: ButlerEvent): Promise<void> {
    if (!ENTRY_EVENT_TYPES.has(e.type) || e.payload.zone !== 'entry') return;
    const o = host.options;
    const now = e.ts;
    const origin = { source: 'policy', trusted: true } as const;
    if (host.modes.mode !== 'away') {
      if (now - this.lastArrival < o.arrival_cooldown_s) return;
      this.lastArrival = now;
      const who = typeof e.payload.person === 'string' ? e.payload.person : 'Someone';
      await host.door.execute({
        actions: [{ action_type: 'notify', params: { title: 'Arrival', message: `${who} is at the entry.`, level: 'info' } }],
        origin,
        triggered_by_event_id: e.event_id,
        reason: 'R1_arrival: person in the entry zone',
      });
      return;
    }
    this.entryTimes = [...this.entryTimes.filter((t) => now - t < o.intrusion_window_s), now];
    if (this.entryTimes.length < o.intrusion_threshold || now - this.lastIntrusion < o.intrusion_window_s) return;
    this.lastIntrusion = now;
    this.entryTimes = [];
    await host.door.execute({
      actions: [
        {
          action_type: 'notify',
          params: {
            title: 'Possible intrusion',
            message: `${o.intrusion_threshold} entry detections within ${o.intrusion_window_s} s while away.`,
            level: 'critical',
          },
        },
        { action_type: 'store_event', params: { kind: 'record', data: { reason: 'R2_intrusion_entry', event_id: e.event_id } } },
      ],
      origin,
      triggered_by_event_id: e.event_id,
      reason: 'R2_intrusion_entry: repeated entry detections while away',
    });
  }
}
