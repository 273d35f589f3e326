// What the butler needs from Home Assistant, independent of how it is reached
// (WebSocket through the Supervisor, a long-lived token, or the demo home).

export interface HassContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface HassState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  last_reported?: string;
  context?: HassContext;
}

export interface HassStateChange {
  entity_id: string;
  old_state: HassState | null;
  new_state: HassState | null;
}

export interface HassArea {
  area_id: string;
  name: string;
  floor_id: string | null;
  aliases: string[];
}

export interface HassFloor {
  floor_id: string;
  name: string;
  level: number | null;
  aliases: string[];
}

export interface HassDevice {
  id: string;
  name: string | null;
  name_by_user: string | null;
  area_id: string | null;
  manufacturer: string | null;
  model: string | null;
}

export interface HassEntityEntry {
  entity_id: string;
  name: string | null;
  original_name?: string | null;
  area_id: string | null;
  device_id: string | null;
  aliases?: string[];
  platform?: string;
  disabled_by?: string | null;
  hidden_by?: string | null;
}

export interface HassRegistries {
  areas: HassArea[];
  floors: HassFloor[];
  devices: HassDevice[];
  entities: HassEntityEntry[];
}

export interface ServiceTarget {
  entity_id?: string | string[];
  device_id?: string | string[];
  area_id?: string | string[];
  floor_id?: string | string[];
  label_id?: string | string[];
}

export interface CallServiceResult {
  context: HassContext;
  response?: unknown;
}

/** A Home Assistant error, mapped to something a person can act on. */
export class HaError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HaError';
  }
}

export interface HaStatus {
  connected: boolean;
  /** Human-readable: "connected to Home Assistant 2026.11.0 at ws://…", "reconnecting (attempt 3): …". */
  detail: string;
  ha_version: string | null;
  /** How many times the connection was (re-)established since start. */
  connects: number;
}

/**
 * The live connection to Home Assistant. Implementations keep an entity mirror and the registries
 * in sync (a full resync after every reconnect) and emit state changes through the listener.
 */
export interface HomeAssistantConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): HaStatus;
  /** The live mirror, keyed by entity_id. */
  states(): ReadonlyMap<string, HassState>;
  getState(entityId: string): HassState | undefined;
  registries(): HassRegistries;
  callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: ServiceTarget,
    returnResponse?: boolean,
  ): Promise<CallServiceResult>;
  /** Called for every state change seen by the mirror; returns an unsubscribe function. */
  onStateChange(fn: (change: HassStateChange) => void): () => void;
  /** Called whenever the connection goes up or down. */
  onStatus(fn: (status: HaStatus) => void): () => void;
}
