// Decides, for one validated action and who asked for it, whether it runs, waits for a person, or is refused.
// The policy — never a prompt — is what stops a message or a web page from unlocking the door.
import type { ActionRegistry } from './registry';
import type { ModeState } from './modes';
import type { JsonObject, Origin, RiskTier } from '../types';

export type Verdict = 'allow' | 'confirm' | 'deny';

export interface PolicyDecision {
  verdict: Verdict;
  risk: RiskTier;
  reason: string;
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
    if (!this.registry.has(action)) return { verdict: 'deny', risk, reason: `unknown action type "${action}"` };
    if (this.modes.privacy && this.registry.isPrivacyBlocked(action, params)) {
      return { verdict: 'deny', risk, reason: `privacy mode is on: ${action} is blocked until it is turned off` };
    }
    const direct = origin.trusted && !origin.untrusted_input && !origin.confirm_sensitive;
    if (risk === 'dangerous') {
      const check = this.allowlists.get(action);
      if (!check) return { verdict: 'deny', risk, reason: `${action} is dangerous and has no allowlist` };
      const { allowed, what, list } = check(params);
      if (!allowed) return { verdict: 'deny', risk, reason: `"${what}" is not in ${list} (an empty allowlist allows nothing)` };
      if (opts.approved || direct) return { verdict: 'allow', risk, reason: `allowlisted in ${list}` };
      return { verdict: 'confirm', risk, reason: `${action} was asked for by ${describe(origin)}: a trusted person must approve` };
    }
    if (risk === 'sensitive') {
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
