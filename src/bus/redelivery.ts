// Idempotent intake for MQTT inputs that carry no event_id of their own (events without one, every butler/in/command).
//
// Why the packet id: the butler acknowledges a QoS 1 message only after what it recorded is committed, so the broker
// sends a message again (MQTT 3.1.1 §4.4: same packet identifier, DUP flag set, at the start of the resumed session)
// exactly when the butler never acknowledged it: either it was committed and the ack was lost with the connection or
// the process, or it was never committed. The broker reuses a packet id only once the previous message with that id
// was acknowledged, so "this packet id last carried this very message" tells the two apart. The key is a hash of
// topic, packet id and payload; the recorded event gets `mqtt-<key>-<receipt ms>` as its id.
// Why not a hash of topic and payload alone: a sensor sending the same payload twice means it happened twice.
// Why only DUP packets are checked: a first delivery is never a repeat, even when it reuses an old id and payload.
//
// In the process, the last message per packet id is remembered (at most 65,535 entries: the id is 16 bits), committed
// or still in its batch (its acknowledgement, and the redelivery's, wait for that commit); a batch that fails forgets
// it, so its redelivery is recorded. After a restart the
// database answers instead: a stored event with the key, received within the window. The window bounds the one
// ambiguity left after a crash (an identical payload that reused the same packet id within it, then a crash before
// its commit, would be taken for a redelivery); a redelivery later than the window is recorded again, so intake stays
// at-least-once and errs towards a duplicate, never a loss.
import { createHash } from 'node:crypto';

/** How long after its first receipt a redelivered message is still recognised across a restart. */
export const REDELIVERY_WINDOW_MS = 10 * 60_000;

export type Admission = { id: string; duplicateOf?: undefined } | { id?: undefined; duplicateOf: string };

export class RedeliveryGuard {
  /** The last message per packet id (committed or on its way: its ack waits for the commit either way). */
  private readonly byPacket = new Map<number, { key: string; id: string }>();

  /** `stored(prefix)`: ids of stored events starting with prefix (a few are enough). */
  constructor(
    private readonly stored: (prefix: string) => string[],
    private readonly windowMs = REDELIVERY_WINDOW_MS,
  ) {}

  /** The id to record the input under, or the id it was recorded under before (a redelivery: record nothing). */
  admit(topic: string, payload: Buffer, packetId: number, dup: boolean, now = Date.now()): Admission {
    const key = createHash('sha256')
      .update(topic)
      .update('\0')
      .update(String(packetId))
      .update('\0')
      .update(payload)
      .digest('hex')
      .slice(0, 24);
    if (dup) {
      const prev = this.byPacket.get(packetId);
      if (prev?.key === key) return { duplicateOf: prev.id };
      if (!prev) {
        const since = now - this.windowMs;
        const earlier = this.stored(`mqtt-${key}-`).find((id) => Number.parseInt(id.slice(id.lastIndexOf('-') + 1), 36) >= since);
        if (earlier) return { duplicateOf: earlier };
      }
    }
    const id = `mqtt-${key}-${now.toString(36)}`;
    this.byPacket.set(packetId, { key, id });
    return { id };
  }

  /** What was recorded under `id` could not be written: its redelivery is recorded afresh. */
  forget(packetId: number, id: string): void {
    if (this.byPacket.get(packetId)?.id === id) this.byPacket.delete(packetId);
  }
}
