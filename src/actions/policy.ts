// Decides, for one validated action and who asked for it, whether it runs, waits for a person, or is refused.
// The policy — never a prompt — is what stops a message or a web page from unlocking the door.
import type { ActionRegistry } from './registry';
import type { ModeState } from './modes';
import type { ActionRequest, Json, JsonObject, Origin, RiskTier } from '../types';

export type Verdict = 'allow' | 'confirm' | 'deny';

/** Why a sensitive action a language model proposed waits for a person. */
export const PROPOSED_NOT_ASKED = 'proposed by the model, not asked for';

/** Why an action waits or is refused, for a reply in another language to say in its own words. */
export type PolicyCode = 'unknown_action' | 'privacy' | 'no_allowlist' | 'not_allowlisted' | 'proposed' | 'needs_approval';

export interface PolicyDecision {
  verdict: Verdict;
  risk: RiskTier;
  reason: string;
  /** Set when the action waits or is refused. */
  code?: PolicyCode;
  /** What the code's words need: the thing not in the allowlist. */
  args?: { what: string };
}

/** Checks a dangerous action against its allowlist. Empty allows nothing. */
export type AllowlistCheck = (params: JsonObject) => { allowed: boolean; what: string; list: string };

export class PolicyEngine {
  private readonly allowlists = new Map<string, AllowlistCheck>();

  constructor(
    private readonly registry: ActionRegistry,
    private readonly modes: ModeState,
  ) {}

  setAllowlist(action: string, check: AllowlistCheck): void {
    this.allowlists.set(action, check);
  }

  evaluate(action: string, params: JsonObject, origin: Origin, opts: { approved?: boolean } = {}): PolicyDecision {
    const risk = this.registry.riskOf(action, params);
    if (!this.registry.has(action)) return { verdict: 'deny', risk, reason: `unknown action type "${action}"`, code: 'unknown_action' };
    if (this.modes.privacy && this.registry.isPrivacyBlocked(action, params)) {
      return { verdict: 'deny', risk, reason: `privacy mode is on: ${action} is blocked until it is turned off`, code: 'privacy' };
    }
    const direct = origin.trusted && !origin.untrusted_input && !origin.confirm_sensitive;
    // A model's proposal is not a person's request: trust in the sender covers only what their own words asked for.
    const unasked = risk !== 'safe' && !opts.approved && origin.asked_for !== undefined && !wasAskedFor(action, params, origin.asked_for);
    // Whoever sent the words, the reason says the model wanted this: the person approving has to know.
    const proposed = `${action} was ${PROPOSED_NOT_ASKED}${direct ? '' : ` (the words came from ${describe(origin)})`}`;
    if (risk === 'dangerous') {
      const check = this.allowlists.get(action);
      if (!check) return { verdict: 'deny', risk, reason: `${action} is dangerous and has no allowlist`, code: 'no_allowlist' };
      const { allowed, what, list } = check(params);
      if (!allowed)
        return {
          verdict: 'deny',
          risk,
          reason: `"${what}" is not in ${list} (an empty allowlist allows nothing)`,
          code: 'not_allowlisted',
          args: { what },
        };
      if (unasked) return { verdict: 'confirm', risk, reason: proposed, code: 'proposed' };
      if (opts.approved || direct) return { verdict: 'allow', risk, reason: `allowlisted in ${list}` };
      return {
        verdict: 'confirm',
        risk,
        reason: `${action} was asked for by ${describe(origin)}: a trusted person must approve`,
        code: 'needs_approval',
      };
    }
    if (risk === 'sensitive') {
      if (unasked) return { verdict: 'confirm', risk, reason: proposed, code: 'proposed' };
      if (opts.approved || direct)
        return {
          verdict: 'allow',
          risk,
          reason: opts.approved ? 'approved by a trusted person' : `sensitive, asked for by ${describe(origin)}`,
        };
      return {
        verdict: 'confirm',
        risk,
        reason: `${action} is sensitive and was asked for by ${describe(origin)}: a trusted person must approve`,
        code: 'needs_approval',
      };
    }
    return { verdict: 'allow', risk, reason: 'safe' };
  }
}

function describe(origin: Origin): string {
  const who = origin.user ? `${origin.source} (${origin.user})` : origin.source;
  if (origin.untrusted_input) return `${who} from untrusted text`;
  return origin.trusted ? `trusted ${who}` : `untrusted ${who}`;
}

/** Turn on/off/toggle of the device_* actions, by domain, as the Home Assistant service it becomes. */
const SWITCHED: Record<string, Partial<Record<'on' | 'off' | 'toggle', string>>> = {
  lock: { on: 'lock', off: 'unlock' },
  cover: { on: 'open_cover', off: 'close_cover' },
  valve: { on: 'open_valve', off: 'close_valve' },
  vacuum: { on: 'start', off: 'return_to_base' },
  button: { on: 'press' },
};

interface Effect {
  /** "lock.unlock", "cover.open_cover", or the action type when it is not a Home Assistant service. */
  verb: string;
  /** What it acts on; null when the action names no target (then the whole params must be the same). */
  targets: string[] | null;
}

function strings(v: Json | undefined, prefix = ''): string[] {
  if (typeof v === 'string') return [prefix + v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => prefix + x);
  return [];
}

/** What an action does to what, whichever action type says it (ha_call_service, device_turn_off, open_cover …). */
export function effectOf(action: string, params: JsonObject): Effect {
  if (action === 'ha_call_service') {
    const t = (params.target ?? {}) as JsonObject;
    const d = (params.data ?? {}) as JsonObject;
    const targets = [
      ...strings(t.entity_id),
      ...strings(d.entity_id),
      ...strings(t.device_id, 'device:'),
      ...strings(t.area_id, 'area:'),
      ...strings(t.floor_id, 'floor:'),
      ...strings(t.label_id, 'label:'),
    ];
    // No target at all means every entity of the domain.
    return { verb: `${String(params.domain)}.${String(params.service)}`, targets: targets.length ? targets : ['*'] };
  }
  const id = typeof params.device_id === 'string' ? params.device_id : null;
  const kind = /^device_(turn_on|turn_off|toggle)$/.exec(action)?.[1];
  if (id && kind) {
    const domain = id.split('.', 1)[0];
    const k = kind === 'turn_on' ? 'on' : kind === 'turn_off' ? 'off' : 'toggle';
    return { verb: `${domain}.${SWITCHED[domain]?.[k] ?? kind}`, targets: [id] };
  }
  if (id && /^(open|close)_cover$|^set_cover_position$/.test(action)) return { verb: `cover.${action}`, targets: [id] };
  if (id) return { verb: action, targets: [id] };
  return { verb: action, targets: null };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Whether the person's own words (the actions they imply) asked for this action on every one of its targets. */
export function wasAskedFor(action: string, params: JsonObject, asked: ActionRequest[]): boolean {
  const want = effectOf(action, params);
  return asked.some((a) => {
    const got = effectOf(a.action_type, a.params ?? {});
    if (got.verb !== want.verb) return false;
    if (want.targets === null || got.targets === null) return a.action_type === action && canonical(a.params) === canonical(params);
    const allowed = new Set(got.targets);
    return want.targets.every((t) => allowed.has(t));
  });
}
