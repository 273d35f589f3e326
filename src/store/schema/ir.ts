// Infrared: the code library (device → command → code, as Home Assistant's Broadlink codes file holds them) and the
// last state sent to each IR climate (an old air conditioner has no way to tell us its state, so we remember it).
import { sqliteTable, text, real, primaryKey } from 'drizzle-orm/sqlite-core';

export const irCodes = sqliteTable(
  'ir_codes',
  {
    /** The device the codes drive (a TV, an air conditioner), not the blaster: "tv", "living_room_ac". */
    device: text('device').notNull(),
    command: text('command').notNull(),
    /** JSON: one base64 code, or an array of two (a toggle: the two codes are sent in turn). */
    codes: text('codes').notNull(),
    /** learned | imported */
    source: text('source').notNull(),
    /** The blaster it was learned on, when learned. */
    blaster: text('blaster'),
    updated_ts: real('updated_ts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.device, t.command] })],
);

/** Which code of a toggle pair goes next, per device and command. */
export const irToggles = sqliteTable(
  'ir_toggles',
  {
    device: text('device').notNull(),
    command: text('command').notNull(),
    next: real('next').notNull(),
  },
  (t) => [primaryKey({ columns: [t.device, t.command] })],
);

/** An IR climate (a SmartIR code set attached to a blaster) and the last state sent to it. */
export const irClimates = sqliteTable('ir_climates', {
  name: text('name').primaryKey(),
  blaster: text('blaster').notNull(),
  /** The SmartIR JSON code set. */
  code_set: text('code_set').notNull(),
  /** JSON {mode, fan, temperature}. */
  state: text('state').notNull(),
  updated_ts: real('updated_ts').notNull(),
});
