// A typed in-process event bus: one map of event names to payload types instead of an emit/on pair per event.
// Listeners register under an owner so a stopping component removes all of its listeners at once.
import type { ActionPlan, ActionResult, ButlerEvent, Confirmation, HomeMode, InputError, PlannerActivity } from '../types';
import type { HassStateChange } from '../ha/types';

export interface BusEvents {
  /** An event accepted from any source (already persisted or queued for persistence). */
  event: ButlerEvent;
  plan: ActionPlan;
  result: ActionResult;
  /** Rejected input, reported on butler/out/error. */
  input_error: InputError;
  confirmation: Confirmation;
  /** A Home Assistant state change, from the live entity mirror. */
  ha_state: HassStateChange;
  /** Connection state of a backend changed (ha, mqtt, llm, a device driver). */
  backend: { name: string; ok: boolean; detail: string };
  mode: { mode: HomeMode; privacy: boolean };
  /** The planner began asking the language model, or finished a request (how it ended). */
  planner: PlannerActivity;
}

type Listener<T> = (value: T) => void;

export class Bus<Events extends object = BusEvents> {
  private readonly listeners = new Map<keyof Events, Set<{ fn: Listener<never>; owner: string }>>();
  private errorHandler: (err: unknown, event: string) => void = (err, event) => {
    console.error(`bus listener for "${event}" failed:`, err);
  };

  /** Listener errors are reported here and never reach the emitter. */
  onListenerError(fn: (err: unknown, event: string) => void): void {
    this.errorHandler = fn;
  }

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>, owner = 'anonymous'): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = { fn: fn as Listener<never>, owner };
    set.add(entry);
    return () => set!.delete(entry);
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const { fn } of set) {
      try {
        (fn as Listener<Events[K]>)(value);
      } catch (err) {
        this.errorHandler(err, String(event));
      }
    }
  }

  /** Removes every listener registered by `owner`. */
  removeOwner(owner: string): void {
    for (const set of this.listeners.values()) {
      for (const entry of set) if (entry.owner === owner) set.delete(entry);
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
