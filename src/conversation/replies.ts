// Every sentence the butler says about a turn is built here: after a plan ran (the success sentence, or what waits
// for a person, or what failed and why), for a confirmation decided in the conversation, and when nobody understood.
import type { Grounding } from '../brain/planner/planner';
import type { ActionResult } from '../types';
import type { StageTurn, TurnReply } from './turn';

export function isChinese(language: string): boolean {
  return /^zh/i.test(language);
}

/** The handler's reply when everything ran; otherwise say what is waiting or what failed. */
export function replyFor(success: string, results: ActionResult[], zh: boolean): string {
  const pending = results.filter((r) => r.status === 'pending_confirmation');
  const failed = results.filter((r) => r.status === 'error' || r.status === 'denied');
  if (pending.length) return zh ? '这需要确认。要继续吗？（是/不）' : 'That needs confirmation. Shall I go ahead? (yes/no)';
  if (failed.length === 0) return success;
  const why = failed.map((r) => failureWords(r.output, r.status, zh)).join(zh ? '；' : '; ');
  return zh ? `没能完成：${why}` : `I couldn't do that: ${why}`;
}

type FailureArgs = { name?: string; state?: string; known?: string[]; what?: string };

/**
 * Failures named with a `code` (an ActionError, a HaError, a policy decision), as Chinese says them; others keep their
 * English words.
 */
const ZH_FAILURES: Record<string, (a: FailureArgs) => string> = {
  no_timer: (a) => (a.state === 'paused' ? '没有暂停的计时器' : '没有正在运行的计时器'),
  no_such_timer: (a) => {
    const state = a.state === 'paused' ? '暂停' : '运行';
    const known = a.known ?? [];
    return `没有叫“${a.name ?? ''}”的计时器在${state}${known.length ? `（${state}中的有：${known.join('、')}）` : ''}`;
  },
  which_timer: (a) =>
    `有${(a.known ?? []).length}个计时器在${a.state === 'paused' ? '暂停' : '运行'}（${(a.known ?? []).join('、')}），请说是哪一个`,
  no_such_task: (a) => `没有叫“${a.name ?? ''}”的待执行任务`,
  proposed: () => '这是模型提出的，不是你要求的',
  needs_approval: () => '需要家里受信任的人批准',
  privacy: () => '隐私模式开着，关掉之前不能做',
  not_allowlisted: (a) => `“${a.what ?? ''}”不在允许列表里`,
  no_allowlist: () => '这是危险操作，没有设置允许列表',
  unknown_action: () => '没有这种操作',
  not_connected: () => '现在连不上 Home Assistant',
  connection_lost: () => '和 Home Assistant 的连接断了，不确定有没有执行',
  timeout: () => '对方没有及时回应',
};

type FailureOutput = { error?: unknown; reason?: unknown; code?: unknown; args?: unknown };

function asFailure(output: ActionResult['output'] | undefined): FailureOutput {
  return (typeof output === 'object' && output !== null && !Array.isArray(output) ? output : {}) as FailureOutput;
}

/** The failure in Chinese when its code is one Chinese has words for; null otherwise. */
function zhFailure(output: ActionResult['output'] | undefined): string | null {
  const o = asFailure(output);
  const say = typeof o.code === 'string' ? ZH_FAILURES[o.code] : undefined;
  return say ? say((typeof o.args === 'object' && o.args !== null ? o.args : {}) as FailureArgs) : null;
}

/** Why an action did not run, from its result's output, in the person's language. */
export function failureWords(output: ActionResult['output'], status: string, zh: boolean): string {
  const o = asFailure(output);
  const english = typeof o.error === 'string' ? o.error : typeof o.reason === 'string' ? o.reason : status;
  return (zh && zhFailure(output)) || english;
}

/** Nobody understood the turn: say so, then what the butler can do here (with examples from the live home). */
export function notUnderstood(turn: Pick<StageTurn, 'conversation_id' | 'language'>, capabilities?: string): TurnReply {
  const sorry = isChinese(turn.language) ? '抱歉，我没听懂。' : "Sorry, I didn't understand that.";
  return {
    reply: capabilities ? `${sorry}${isChinese(turn.language) ? '' : ' '}${capabilities}` : sorry,
    conversation_id: turn.conversation_id,
    handled: false,
    plan_id: null,
    results: [],
    language: turn.language,
    answered_by: 'none',
  };
}

/** Someone on an untrusted channel answered "yes": only a trusted person may approve what they asked for. */
export function approvalNeeded(zh: boolean): string {
  return zh ? '这需要家里受信任的人在面板上批准。' : 'That needs approval from a trusted person in the Butler panel.';
}

/** A confirmation decided in the conversation ("yes"/"no"). */
export function confirmationDecided(approved: boolean, actionType: string, result: ActionResult | null, zh: boolean): string {
  if (!approved) return zh ? '已取消。' : 'Cancelled.';
  if (result?.status === 'ok') return zh ? `已完成：${actionType}。` : `Done: ${actionType}.`;
  const why = result ? failureWords(result.output, result.status, zh) : zh ? '没有结果' : 'no result';
  return zh ? `没能完成：${why}` : `I could not do it: ${why}`;
}

/** A turn whose records could not be committed: not handled, why, and what the turn itself said. */
export function notSaved(why: string, said: string, zh: boolean): string {
  return zh ? `没能保存（${why}）。${said}` : `I couldn't save that (${why}). ${said}`;
}

/** A question only a model can answer (what a camera shows), asked of a butler without one. */
export function needsModel(zh: boolean): string {
  return zh
    ? '看画面需要大模型：请在加载项选项里设置 llm_api_key（离线理解看不见图像）。'
    : 'Describing a picture needs a model: set llm_api_key in the options (the offline understanding cannot see).';
}

/** The model could not be reached and the offline understanding did not know the sentence either. */
export function modelUnreachable(reason: string, zh: boolean): string {
  return zh
    ? `我现在连不上大模型（${reason}），离线也没听懂。`
    : `I can't reach the language model right now (${reason}) and didn't understand that offline.`;
}

/**
 * The planner's reply, grounded in what happened: what ran, what waits for a person and why, what failed or was refused,
 * in the butler's words and the person's language. The model's text only follows, and only when it claims nothing the
 * results do not show (the planner drops it otherwise).
 */
export function groundedReply(g: Grounding): string {
  const zh = isChinese(g.language ?? '');
  const by = (s: string) => g.items.filter((i) => i.status === s);
  const words = (i: { detail: string; output?: ActionResult['output'] }) => (zh && zhFailure(i.output)) || i.detail;
  const list = (items: { what: string; detail: string; output?: ActionResult['output'] }[], withDetail: boolean) =>
    items
      .map((i) => {
        const detail = withDetail ? words(i) : '';
        return detail ? (zh ? `${i.what}（${detail}）` : `${i.what} (${detail})`) : i.what;
      })
      .join(zh ? '、' : ', ');
  const parts: string[] = [];
  const ok = by('ok');
  const waiting = by('pending_confirmation');
  const failed = [...by('denied'), ...by('error')];
  if (ok.length) parts.push(zh ? `已完成：${list(ok, false)}。` : `Done: ${list(ok, false)}.`);
  if (waiting.length)
    parts.push(
      zh
        ? `还没有做，等待确认：${list(waiting, true)}。要继续吗？（是/不）`
        : `Not done yet, waiting for your approval: ${list(waiting, true)}. Shall I go ahead? (yes/no)`,
    );
  if (failed.length) parts.push(zh ? `没能完成：${list(failed, true)}。` : `Not done: ${list(failed, true)}.`);
  if (g.refused.length) {
    const refused = g.refused.map((r) => ({ what: r.tool.replace(/_/g, ' '), detail: r.reason }));
    parts.push(zh ? `已拒绝：${list(refused, true)}。` : `Refused: ${list(refused, true)}.`);
  }
  if (g.modelText) parts.push(g.modelText);
  if (parts.length === 0) {
    if (g.dropped) return zh ? '我什么都还没有做。' : 'I have not done anything.';
    return zh ? '没有需要做的。' : 'Nothing to do.';
  }
  return parts.join(zh ? '' : ' ');
}
