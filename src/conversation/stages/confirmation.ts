// "yes" / "no" in a conversation that has a pending confirmation decides it.
import type { ActionDoor } from '../../actions/door';
import type { ConfirmationStore } from '../../actions/confirmations';
import { approvalNeeded, confirmationDecided, isChinese } from '../replies';
import type { Stage } from '../turn';

const YES = /^(yes|yeah|yep|sure|ok|okay|do it|confirm|approve|go ahead|是|是的|好|好的|确认|可以|对)[.!。！]?$/i;
const NO = /^(no|nope|cancel|deny|don't|do not|stop|不|不要|取消|算了|拒绝)[.!。！]?$/i;

export interface ConfirmationStageHost {
  confirmations: Pick<ConfirmationStore, 'pendingForConversation'>;
  door: Pick<ActionDoor, 'decide'>;
}

export function confirmationStage(host: ConfirmationStageHost): Stage {
  return async (turn) => {
    const text = turn.text.trim();
    const yes = YES.test(text);
    if (!yes && !NO.test(text)) return null;
    const pending = host.confirmations.pendingForConversation(turn.conversation_id);
    if (!pending) return null;
    const zh = isChinese(turn.language);
    const base = { conversation_id: turn.conversation_id, handled: true, plan_id: pending.plan_id, language: turn.language } as const;
    // Whoever asked from an untrusted channel cannot also approve: that would make confirmation meaningless.
    if (!turn.origin.trusted) return { ...base, reply: approvalNeeded(zh), results: [], answered_by: 'confirmation' };
    const { result } = await host.door.decide(pending.id, yes, turn.origin.user ?? turn.origin.source);
    return {
      ...base,
      reply: confirmationDecided(yes, pending.action_type, result ?? null, zh),
      results: result ? [result] : [],
      answered_by: 'confirmation',
    };
  };
}
