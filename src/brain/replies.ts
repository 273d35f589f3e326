// What to say after a plan ran: the success sentence, or what is waiting for a person, or what failed and why.
import type { ActionResult } from '../types';

/** The handler's reply when everything ran; otherwise say what is waiting or what failed. */
export function replyFor(success: string, results: ActionResult[], zh: boolean): string {
  const pending = results.filter((r) => r.status === 'pending_confirmation');
  const failed = results.filter((r) => r.status === 'error' || r.status === 'denied');
  if (pending.length) return zh ? '这需要确认。要继续吗？（是/不）' : 'That needs confirmation. Shall I go ahead? (yes/no)';
  if (failed.length === 0) return success;
  const why = failed
    .map((r) => {
      const o = r.output as { error?: string; reason?: string } | null;
      return o?.error ?? o?.reason ?? r.status;
    })
    .join('; ');
  return zh ? `没能完成：${why}` : `I couldn't do that: ${why}`;
}
