// Turns a recognized intent into actions for the one action door, plus a short reply in the request's language.
// Questions (state, time, date, weather, timers) are answered from the home model directly.
import type { JsonObject } from '../../types';
import type { HomeEntity, HomeModel } from './home';
import type { Language, RecognizedIntent } from './types';

export interface IntentAction {
  action_type: string;
  params: JsonObject;
}

export interface IntentOutcome {
  actions: IntentAction[];
  reply: string;
  query?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function targets(intent: RecognizedIntent, home: HomeModel): HomeEntity[] {
  const s = intent.slots;
  if (intent.entities?.length) return intent.entities.map((id) => home.entity(id)).filter((e): e is HomeEntity => e !== undefined);
  const name = str(s.name);
  if (name && name !== 'all') {
    const n = name.toLowerCase();
    return home.entities.filter((e) => [e.name, ...e.aliases].some((x) => x.toLowerCase() === n));
  }
  if (s.domain === undefined && s.device_class === undefined) return [];
  return home.entitiesIn({
    area: str(s.area),
    floor: str(s.floor),
    domain: typeof s.domain === 'number' ? undefined : s.domain,
    device_class: typeof s.device_class === 'number' ? undefined : s.device_class,
  });
}

function byDomain(ents: HomeEntity[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of ents) m.set(e.domain, [...(m.get(e.domain) ?? []), e.entity_id]);
  return m;
}

function call(domain: string, service: string, ids: string[], data?: JsonObject): IntentAction {
  const params: JsonObject = { domain, service, target: { entity_id: ids } };
  if (data) params.data = data;
  return { action_type: 'ha_call_service', params };
}

const ON_SERVICE: Record<string, [string, string]> = {
  cover: ['open_cover', 'close_cover'],
  valve: ['open_valve', 'close_valve'],
  lock: ['lock', 'unlock'],
  scene: ['turn_on', 'turn_on'],
  vacuum: ['start', 'return_to_base'],
  media_player: ['turn_on', 'turn_off'],
};

function what(intent: RecognizedIntent, zh: boolean): string {
  const s = intent.slots;
  const name = str(s.name) && s.name !== 'all' ? String(s.name) : undefined;
  const place = str(s.area) ?? str(s.floor);
  const kind = zh
    ? (({ light: '灯', fan: '风扇', switch: '开关', cover: '窗帘', lock: '锁' } as Record<string, string>)[String(s.domain)] ?? '设备')
    : (({ light: 'lights', fan: 'fans', switch: 'switches', cover: 'covers', lock: 'locks' } as Record<string, string>)[String(s.domain)] ??
      'devices');
  if (name) return zh ? name : `the ${name}`;
  if (place) return zh ? `${place}的${kind}` : `the ${place.toLowerCase()} ${kind}`;
  return zh ? `所有的${kind}` : `all the ${kind}`;
}

function describeState(e: HomeEntity, zh: boolean): string {
  const unit = typeof e.attributes.unit_of_measurement === 'string' ? ` ${e.attributes.unit_of_measurement}` : '';
  const text = typeof e.attributes.state_text === 'string' ? e.attributes.state_text : e.state.replace(/_/g, ' ');
  return zh ? `${e.name}：${text}${unit.trim()}` : `${e.name} is ${text}${unit}`;
}

function durationSec(s: RecognizedIntent['slots']): number {
  return (num(s.hours) ?? 0) * 3600 + (num(s.minutes) ?? 0) * 60 + (num(s.seconds) ?? 0);
}

export function handleIntent(intent: RecognizedIntent, home: HomeModel, language: Language): IntentOutcome {
  const zh = language === 'zh-cn';
  const s = intent.slots;
  const reply = (en: string, cn: string): string => (zh ? cn : en);
  const none = (): IntentOutcome => ({
    actions: [],
    reply: reply("Sorry, I couldn't find a device that matches.", '抱歉，没有找到匹配的设备。'),
  });

  switch (intent.name) {
    case 'HassTurnOn':
    case 'HassTurnOff':
    case 'HassToggle': {
      const ents = targets(intent, home);
      if (!ents.length) return none();
      const on = intent.name === 'HassTurnOn';
      const actions = [...byDomain(ents)].map(([domain, ids]) => {
        if (intent.name === 'HassToggle')
          return call(domain === 'light' || domain === 'switch' || domain === 'fan' ? domain : 'homeassistant', 'toggle', ids);
        const svc = ON_SERVICE[domain];
        if (svc) return call(domain, on ? svc[0] : svc[1], ids);
        return call(
          ['light', 'switch', 'fan', 'script', 'input_boolean', 'climate'].includes(domain) ? domain : 'homeassistant',
          on ? 'turn_on' : 'turn_off',
          ids,
        );
      });
      // Say what happened in the words of the thing: a lock is locked, a cover opened, not "turned on".
      const only = new Set(ents.map((e) => e.domain)).size === 1 ? ents[0].domain : null;
      const words: Record<string, [string, string, string, string]> = {
        lock: ['Locked', '已锁上', 'Unlocked', '已解锁'],
        cover: ['Opened', '已打开', 'Closed', '已关闭'],
        valve: ['Opened', '已打开', 'Closed', '已关闭'],
        vacuum: ['Started', '已启动', 'Sent home', '已让其返回'],
      };
      const w = only ? words[only] : undefined;
      const verb =
        intent.name === 'HassToggle'
          ? reply('Toggled', '已切换')
          : w
            ? on
              ? reply(w[0], w[1])
              : reply(w[2], w[3])
            : on
              ? reply('Turned on', '已打开')
              : reply('Turned off', '已关闭');
      return { actions, reply: zh ? `${verb}${what(intent, zh)}。` : `${verb} ${what(intent, zh)}.` };
    }
    case 'HassLightSet': {
      const ents = targets({ ...intent, slots: { ...s, domain: 'light' } }, home).filter((e) => e.domain === 'light');
      if (!ents.length) return none();
      const data: JsonObject = {};
      if (num(s.brightness) !== undefined) data.brightness_pct = num(s.brightness)!;
      if (str(s.color)) data.color_name = String(s.color);
      return {
        actions: [
          call(
            'light',
            'turn_on',
            ents.map((e) => e.entity_id),
            data,
          ),
        ],
        reply: reply('Done, lights adjusted.', '好的，灯光已调整。'),
      };
    }
    case 'HassSetPosition': {
      const ents = targets(intent, home).filter((e) => e.domain === 'cover' || e.domain === 'valve');
      if (!ents.length) return none();
      const actions = [...byDomain(ents)].map(([domain, ids]) =>
        call(domain, domain === 'valve' ? 'set_valve_position' : 'set_cover_position', ids, { position: num(s.position) ?? 0 }),
      );
      return { actions, reply: reply(`Set to ${s.position}%.`, `已设置为${s.position}%。`) };
    }
    case 'HassClimateSetTemperature': {
      const ents = targets({ ...intent, slots: { ...s, domain: 'climate' } }, home).filter((e) => e.domain === 'climate');
      const ids = ents.length ? ents : home.entities.filter((e) => e.domain === 'climate');
      if (!ids.length) return none();
      return {
        actions: [
          call(
            'climate',
            'set_temperature',
            ids.map((e) => e.entity_id),
            { temperature: num(s.temperature) ?? 0 },
          ),
        ],
        reply: reply(`Temperature set to ${s.temperature} degrees.`, `温度已设置为${s.temperature}度。`),
      };
    }
    case 'HassClimateGetTemperature': {
      let ents = targets({ ...intent, slots: { ...s, domain: 'climate' } }, home).filter((e) => e.domain === 'climate');
      if (!ents.length) ents = home.entities.filter((e) => e.domain === 'climate');
      const t = ents.map((e) => e.attributes.current_temperature).find((x) => x !== undefined);
      return {
        actions: [],
        query: true,
        reply:
          t === undefined
            ? reply("I don't know the temperature.", '我不知道现在的温度。')
            : reply(`It is ${String(t)} degrees.`, `现在是${String(t)}度。`),
      };
    }
    case 'HassGetState': {
      let ents = targets(intent, home);
      const want = str(s.state);
      const matching = want ? ents.filter((e) => e.state.toLowerCase() === want.toLowerCase()) : ents;
      if (!ents.length) return { actions: [], query: true, reply: reply('I found nothing that matches.', '没有找到匹配的设备。') };
      if (str(s.name) && s.name !== 'all' && ents.length >= 1) {
        ents = ents.slice(0, 1);
        if (want)
          return {
            actions: [],
            query: true,
            reply: matching.length
              ? reply('Yes.', '是的。')
              : reply(`No, ${describeState(ents[0], false)}.`, `不是，${describeState(ents[0], true)}。`),
          };
        return { actions: [], query: true, reply: describeState(ents[0], zh) + (zh ? '。' : '.') };
      }
      const names = matching.map((e) => e.name);
      return {
        actions: [],
        query: true,
        reply: names.length
          ? reply(`${names.length}: ${names.join(', ')}.`, `${names.length}个：${names.join('、')}。`)
          : reply('None.', '没有。'),
      };
    }
    case 'HassGetCurrentTime': {
      const d = new Date();
      const hh = String(d.getHours()).padStart(2, '0');
      const mm = String(d.getMinutes()).padStart(2, '0');
      return { actions: [], query: true, reply: reply(`It is ${hh}:${mm}.`, `现在是${hh}点${mm}分。`) };
    }
    case 'HassGetCurrentDate': {
      const d = new Date();
      return {
        actions: [],
        query: true,
        reply: zh ? `今天是${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日。` : `Today is ${d.toDateString()}.`,
      };
    }
    case 'HassGetWeather': {
      const name = str(s.name);
      const w = home.entities.find((e) => e.domain === 'weather' && (!name || e.name.toLowerCase() === name.toLowerCase()));
      if (!w) return { actions: [], query: true, reply: reply('No weather information is available.', '没有天气信息。') };
      const t = w.attributes.temperature;
      return {
        actions: [],
        query: true,
        reply: reply(
          `${w.name}: ${w.state}${t !== undefined ? `, ${String(t)} degrees` : ''}.`,
          `${w.name}：${w.state}${t !== undefined ? `，${String(t)}度` : ''}。`,
        ),
      };
    }
    case 'HassMediaPause':
    case 'HassMediaUnpause':
    case 'HassMediaNext':
    case 'HassMediaPrevious':
    case 'HassSetVolume':
    case 'HassMediaSearchAndPlay': {
      const ents = targets({ ...intent, slots: { ...s, domain: 'media_player' } }, home).filter((e) => e.domain === 'media_player');
      if (!ents.length) return none();
      const ids = ents.map((e) => e.entity_id);
      const service = (
        {
          HassMediaPause: 'media_pause',
          HassMediaUnpause: 'media_play',
          HassMediaNext: 'media_next_track',
          HassMediaPrevious: 'media_previous_track',
          HassSetVolume: 'volume_set',
          HassMediaSearchAndPlay: 'play_media',
        } as Record<string, string>
      )[intent.name];
      let data: JsonObject | undefined;
      if (intent.name === 'HassSetVolume') data = { volume_level: (num(s.volume_level) ?? 0) / 100 };
      if (intent.name === 'HassMediaSearchAndPlay')
        data = { media_content_id: String(s.search_query ?? ''), media_content_type: String(s.media_class ?? 'music') };
      return { actions: [call('media_player', service, ids, data)], reply: reply('OK.', '好的。') };
    }
    case 'HassStartTimer': {
      const sec = durationSec(s);
      const name = str(s.name) ?? (zh ? '计时器' : 'timer');
      return {
        actions: [
          {
            action_type: 'schedule_task',
            params: {
              delay_sec: sec,
              name: `timer:${name}`,
              actions: [{ action_type: 'notify', params: { message: zh ? `${name}时间到了` : `The ${name} timer is done.` } }],
            },
          },
        ],
        reply: reply(`Timer started for ${sec} seconds.`, `已开始${sec}秒的计时。`),
      };
    }
    case 'HassCancelTimer':
    case 'HassCancelAllTimers': {
      const params: JsonObject = {};
      if (intent.name === 'HassCancelTimer' && str(s.name)) params.name = `timer:${String(s.name)}`;
      return { actions: [{ action_type: 'cancel_task', params }], reply: reply('Timer cancelled.', '计时器已取消。') };
    }
    case 'HassTimerStatus': {
      const t = home.timers.find(
        (x) => (!str(s.name) || x.name === s.name) && (!str(s.area) || home.findArea(x.area ?? '')?.name === s.area || x.area === s.area),
      );
      if (!t || t.total_seconds_left === undefined)
        return { actions: [], query: true, reply: reply('No timers are running.', '没有正在运行的计时器。') };
      return { actions: [], query: true, reply: reply(`${t.total_seconds_left} seconds left.`, `还剩${t.total_seconds_left}秒。`) };
    }
    case 'HassShoppingListAddItem':
      return {
        actions: [
          {
            action_type: 'ha_call_service',
            params: { domain: 'shopping_list', service: 'add_item', data: { name: String(s.item ?? '') } },
          },
        ],
        reply: reply(`Added ${s.item}.`, `已添加${s.item}。`),
      };
    case 'HassShoppingListCompleteItem':
      return {
        actions: [
          {
            action_type: 'ha_call_service',
            params: { domain: 'shopping_list', service: 'complete_item', data: { name: String(s.item ?? '') } },
          },
        ],
        reply: reply(`Checked off ${s.item}.`, `已完成${s.item}。`),
      };
    case 'HassListAddItem':
    case 'HassListCompleteItem': {
      const ents = targets(intent, home).filter((e) => e.domain === 'todo');
      if (!ents.length) return none();
      const add = intent.name === 'HassListAddItem';
      return {
        actions: [
          call(
            'todo',
            add ? 'add_item' : 'update_item',
            ents.map((e) => e.entity_id),
            add ? { item: String(s.item ?? '') } : { item: String(s.item ?? ''), status: 'completed' },
          ),
        ],
        reply: reply(add ? `Added ${s.item}.` : `Checked off ${s.item}.`, add ? `已添加${s.item}。` : `已完成${s.item}。`),
      };
    }
    case 'HassVacuumStart':
    case 'HassVacuumReturnToBase': {
      let ents = targets(intent, home).filter((e) => e.domain === 'vacuum');
      if (!ents.length) ents = home.entities.filter((e) => e.domain === 'vacuum');
      if (!ents.length) return none();
      const start = intent.name === 'HassVacuumStart';
      return {
        actions: [
          call(
            'vacuum',
            start ? 'start' : 'return_to_base',
            ents.map((e) => e.entity_id),
          ),
        ],
        reply: reply(start ? 'Cleaning started.' : 'Returning to base.', start ? '开始打扫。' : '正在返回充电。'),
      };
    }
    case 'HassNevermind':
      return { actions: [], reply: '' };
    case 'HassRespond':
      return { actions: [], reply: reply('I am here to help with your home.', '我在，随时为您服务。') };
    case 'ButlerPrivacy': {
      const enabled = s.enabled === 'on';
      return {
        actions: [{ action_type: 'set_privacy', params: { enabled } }],
        reply: enabled ? reply('Privacy mode is on.', '隐私模式已开启。') : reply('Privacy mode is off.', '隐私模式已关闭。'),
      };
    }
    case 'ButlerSetMode': {
      const mode = str(s.mode) ?? 'home';
      const zhMode: Record<string, string> = { home: '在家', away: '离家', night: '夜间' };
      return {
        actions: [{ action_type: 'set_mode', params: { mode } }],
        reply: reply(`Switched to ${mode} mode.`, `已切换到${zhMode[mode] ?? mode}模式。`),
      };
    }
    case 'ButlerShowCamera': {
      const name = String(s.name ?? '');
      const cam = home.entities.find((e) => e.domain === 'camera' && e.name.toLowerCase() === name.toLowerCase());
      const params: JsonObject = { preset: name };
      if (cam) params.camera = cam.entity_id;
      return { actions: [{ action_type: 'ptz_goto_preset', params }], reply: reply(`Showing ${name}.`, `正在显示${name}。`) };
    }
    case 'ButlerSendMessage':
      return {
        actions: [{ action_type: 'send_message', params: { to: String(s.person ?? ''), message: String(s.message ?? '') } }],
        reply: reply(`I'll tell ${s.person}.`, `我会告诉${s.person}。`),
      };
    case 'ButlerRemember':
      return {
        actions: [{ action_type: 'memory_remember', params: { text: String(s.fact ?? '') } }],
        reply: reply("OK, I'll remember that.", '好的，我记住了。'),
      };
    case 'ButlerRecall':
      return { actions: [{ action_type: 'memory_recall', params: { query: String(s.topic ?? '') } }], reply: '', query: true };
    default:
      return { actions: [], reply: reply("Sorry, I can't do that yet.", '抱歉，我还不会这个。') };
  }
}
