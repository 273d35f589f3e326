import type { HomeModel } from './home';
import type { ListValue, SlotValue } from './template';

export type Language = 'en' | 'zh-cn';

export interface RecognizedIntent {
  name: string;
  slots: Record<string, SlotValue>;
  /** Resolved entity_ids, when the intent targets devices. */
  entities?: string[];
}

export interface RecognizeContext {
  area?: string;
}

/** A draft during recognition; `check` may narrow or reject it. */
export interface Draft {
  name: string;
  slots: Record<string, SlotValue>;
  entities: string[] | null;
}

export interface IntentGroup {
  intent: string;
  /** Fixed slots for every template of the group. */
  slots?: Record<string, SlotValue>;
  templates: (string | { t: string; slots?: Record<string, SlotValue> })[];
  /** Fill the area from the speaker's context when the sentence names no area, floor or entity. */
  context?: boolean;
  /** Return false to reject the reading. */
  check?: (d: Draft, home: HomeModel) => boolean;
  bonus?: number;
}

export interface LanguagePack {
  rules: Record<string, string>;
  /** Value lists: template phrase -> value (objects set several slots). */
  lists: Record<string, Record<string, ListValue>>;
  numbers: Record<string, [number, number]>;
  wildcards: string[];
  groups: IntentGroup[];
}
