// The single entrance for events from any source: validated, stamped, recorded, then announced on the bus.
// Idempotent intake: an event whose sender gave it an id already recorded (a redelivery after a crash or a
// reconnect) is stored once and announced once; the duplicate itself is recorded as `event.duplicate`.
import { randomUUID } from 'node:crypto';
import { InvalidError } from '../errors';
import { createAjv, describeAjvErrors } from '../util/schema';
import type { AuditStore } from '../store/audit';
import { nowSeconds, type ButlerEvent, type JsonObject } from '../types';
import type { Bus } from './bus';

export const eventInputSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 128 },
    event_id: { type: 'string', minLength: 1, maxLength: 128 },
    ts: { type: 'number', minimum: 0 },
    source: { type: 'string', minLength: 1, maxLength: 128 },
    payload: { type: 'object' },
    severity: { type: 'integer', minimum: 0, maximum: 3 },
    correlation_id: { type: ['string', 'null'], maxLength: 128 },
  },
} as const;

export class EventIngest {
  private readonly validate = createAjv().compile(eventInputSchema);

  constructor(
    private readonly audit: AuditStore,
    private readonly bus: Bus,
  ) {}

  /**
   * Validates an event from outside; throws InvalidError naming every bad field. The channel it arrived on
   * prefixes any source it claims ("mqtt:frigate"), so no outside sender can pass itself off as Home Assistant or
   * the butler and drive trusted rule runs.
   */
  parse(input: unknown, channel: string): ButlerEvent {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw InvalidError.fields('event', ['an event must be a JSON object']);
    if (!this.validate(input)) throw InvalidError.fields('event', describeAjvErrors(this.validate.errors));
    const e = input as Partial<ButlerEvent>;
    return {
      event_id: e.event_id ?? randomUUID(),
      ts: e.ts ?? nowSeconds(),
      source: !e.source || e.source === channel || e.source.startsWith(`${channel}:`) ? (e.source ?? channel) : `${channel}:${e.source}`,
      type: e.type!,
      payload: (e.payload ?? {}) as JsonObject,
      severity: e.severity ?? 0,
      correlation_id: e.correlation_id ?? null,
    };
  }

  /** Records and announces an event made by the butler itself or already parsed. */
  publish(event: ButlerEvent): ButlerEvent {
    this.audit.recordEvent(event);
    this.bus.emit('event', event);
    return event;
  }

  accept(input: unknown, channel: string): ButlerEvent {
    return this.intake(input, channel).event;
  }

  /** Like accept, and says whether the event was a redelivery (stored and announced before, not again now). */
  intake(input: unknown, channel: string): { event: ButlerEvent; duplicate: boolean } {
    const event = this.parse(input, channel);
    const given = typeof (input as { event_id?: unknown }).event_id === 'string';
    if (given && this.audit.hasEvent(event.event_id)) {
      this.duplicate(event.event_id, channel, event.type, event.source);
      return { event, duplicate: true };
    }
    return { event: this.publish(event), duplicate: false };
  }

  /** Redeliveries seen since start. */
  duplicates = 0;

  /** Records that something recorded before as `eventId` came again (a redelivery): the audit trail shows it. */
  duplicate(eventId: string, channel: string, type: string, source: string): void {
    this.duplicates++;
    this.emit('event.duplicate', 'butler', { event_id: eventId, channel, type, source }, 0, eventId);
  }

  /** Convenience for internal sources; `event_id` when the entrance chose it (an MQTT input without one). */
  emit(
    type: string,
    source: string,
    payload: JsonObject = {},
    severity = 0,
    correlation_id: string | null = null,
    event_id: string = randomUUID(),
  ): ButlerEvent {
    return this.publish({ event_id, ts: nowSeconds(), source, type, payload, severity, correlation_id });
  }
}
