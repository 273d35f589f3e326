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

const WEATHER_ZH: Record<string, string> = {
  'clear-night': '晴朗的夜晚',
  cloudy: '多云',
  fog: '有雾',
  hail: '冰雹',
  lightning: '雷电',
  'lightning-rainy': '雷阵雨',
  partlycloudy: '局部多云',
  pouring: '大雨',
  rainy: '下雨',
  snowy: '下雪',
  'snowy-rainy': '雨夹雪',
  sunny: '晴',
  windy: '有风',
  'windy-variant': '有风',
  exceptional: '异常天气',
  clear: '晴',
};

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
  return home.entitiesInPlaces(s);
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

const HAN = /\p{Script=Han}/u;

/** The name a person uses for a thing in their language: a Chinese alias in Chinese, the friendly name in English. */
export function nameIn(names: readonly string[], zh: boolean): string {
  const clean = names.map((n) => n.replace(/\[(.*?)\]/g, '$1')).filter((n) => n.trim() !== '');
  const pick = clean.find((n) => HAN.test(n) === zh);
  return pick ?? clean[0] ?? '';
}

const entityName = (e: HomeEntity, zh: boolean): string => nameIn([e.name, ...e.aliases], zh);

function placeName(intent: RecognizedIntent, home: HomeModel, zh: boolean): string | undefined {
  if (Array.isArray(intent.slots.area)) {
    const names = intent.slots.area.map((x) => {
      const a = home.findArea(x);
      return a ? nameIn([a.name, ...a.aliases], zh) : x;
    });
    return zh ? names.join('和') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  const area = str(intent.slots.area);
  if (area) {
    const a = home.findArea(area);
    return a ? nameIn([a.name, ...a.aliases], zh) : area;
  }
  const floor = str(intent.slots.floor);
  if (floor) {
    const f = home.findFloor(floor);
    return f ? nameIn([f.name, ...f.aliases], zh) : floor;
  }
  return undefined;
}

const KIND_EN: Record<string, [string, string]> = {
  light: ['light', 'lights'],
  fan: ['fan', 'fans'],
  switch: ['switch', 'switches'],
  lock: ['lock', 'locks'],
  cover: ['cover', 'covers'],
  valve: ['valve', 'valves'],
  media_player: ['player', 'players'],
  vacuum: ['vacuum', 'vacuums'],
  climate: ['thermostat', 'thermostats'],
  garage: ['garage door', 'garage doors'],
  curtain: ['curtain', 'curtains'],
  blind: ['blind', 'blinds'],
  shade: ['shade', 'shades'],
  window: ['window', 'windows'],
  door: ['door', 'doors'],
  gate: ['gate', 'gates'],
  shutter: ['shutter', 'shutters'],
  awning: ['awning', 'awnings'],
};
const KIND_ZH: Record<string, string> = {
  light: '灯',
  fan: '风扇',
  switch: '开关',
  lock: '锁',
  cover: '窗帘',
  valve: '阀门',
  media_player: '播放器',
  vacuum: '扫地机',
  climate: '温控器',
  garage: '车库门',
  curtain: '窗帘',
  blind: '百叶窗',
  shade: '遮阳帘',
  window: '窗户',
  door: '门',
  gate: '大门',
  shutter: '卷帘',
  awning: '遮阳篷',
};

/** What an action was done to, in the speaker's words: one thing by its name, a few by name, else place and kind. */
function what(intent: RecognizedIntent, ents: HomeEntity[], home: HomeModel, zh: boolean): string {
  const s = intent.slots;
  const classes = [...new Set(ents.map((e) => e.device_class ?? ''))];
  const domains = [...new Set(ents.map((e) => e.domain))];
  const key =
    domains.length === 1 && domains[0] === 'cover' && classes.length === 1 && classes[0]
      ? classes[0]
      : domains.length === 1
        ? domains[0]
        : '';
  const many = ents.length !== 1;
  const kind = zh ? (KIND_ZH[key] ?? '设备') : (KIND_EN[key]?.[many ? 1 : 0] ?? (many ? 'devices' : 'device'));
  const named = str(s.name) && s.name !== 'all';
  if (ents.length === 1 && (named || !placeName(intent, home, zh))) {
    const n = entityName(ents[0], zh);
    return zh ? n : `the ${n}`;
  }
  const place = placeName(intent, home, zh);
  if (place) return zh ? `${place}的${kind}` : `the ${place.toLowerCase()} ${kind}`;
  if (ents.length <= 3) {
    const names = ents.map((e) => entityName(e, zh));
    if (zh) return names.join('、');
    return `the ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`}`;
  }
  return zh ? `所有${kind}（${ents.length}个）` : `all ${ents.length} ${kind}`;
}

/** A duration the way people say it: "5 minutes", "1 hour 30 minutes", "5分钟", "1小时30分钟". */
export function durationWords(totalSec: number, zh: boolean): string {
  const t = Math.max(0, Math.round(totalSec));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (zh) return `${h ? `${h}小时` : ''}${m ? `${m}分钟` : ''}${sec || t === 0 ? `${sec}秒` : ''}`;
  const part = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return [h ? part(h, 'hour') : '', m ? part(m, 'minute') : '', sec || t === 0 ? part(sec, 'second') : ''].filter(Boolean).join(' ');
}

/** "5-minute timer", "1 hour 30 minutes timer" (English attaches a single unit to the noun). */
function timerPhrase(totalSec: number, name: string | undefined): string {
  const words = durationWords(totalSec, false);
  const single = /^(\d+) (hour|minute|second)s?$/.exec(words);
  if (single) return `${single[1]}-${single[2]}${name ? ` ${name}` : ''} timer`;
  return `${name ? `${name} ` : ''}timer for ${words}`;
}

// the colour names Home Assistant takes (color_name), in Chinese for a reply
const COLOR_ZH: Record<string, string> = {
  red: '红色',
  green: '绿色',
  blue: '蓝色',
  yellow: '黄色',
  white: '白色',
  black: '黑色',
  purple: '紫色',
  orange: '橙色',
  pink: '粉色',
  brown: '棕色',
  cyan: '青色',
  'warm white': '暖白色',
};

// Home Assistant's state values in Chinese, for a reply about a thing that has no state text of its own
const STATE_ZH: Record<string, string> = {
  on: '开着',
  off: '关着',
  open: '开着',
  closed: '关着',
  opening: '正在打开',
  closing: '正在关闭',
  locked: '已上锁',
  unlocked: '未上锁',
  locking: '正在上锁',
  unlocking: '正在解锁',
  jammed: '卡住了',
  playing: '正在播放',
  paused: '已暂停',
  idle: '空闲',
  standby: '待机',
  buffering: '正在缓冲',
  cleaning: '正在打扫',
  docked: '在充电座上',
  returning: '正在返回充电座',
  mowing: '正在割草',
  heat: '制热',
  cool: '制冷',
  heat_cool: '制热/制冷',
  auto: '自动',
  dry: '除湿',
  fan_only: '仅送风',
  home: '在家',
  not_home: '不在家',
  unavailable: '不可用',
  unknown: '未知',
};

function describeState(e: HomeEntity, zh: boolean): string {
  const unit = typeof e.attributes.unit_of_measurement === 'string' ? ` ${e.attributes.unit_of_measurement}` : '';
  const text =
    typeof e.attributes.state_text === 'string'
      ? e.attributes.state_text
      : ((zh ? STATE_ZH[e.state] : undefined) ?? e.state.replace(/_/g, ' '));
  return zh ? `${entityName(e, true)}：${text}${unit.trim()}` : `${entityName(e, false)} is ${text}${unit}`;
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
      const target = what(intent, ents, home, zh);
      return { actions, reply: zh ? `${verb}${target}。` : `${verb} ${target}.` };
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
        reply: (() => {
          const t = what({ ...intent, slots: { ...s, domain: 'light' } }, ents, home, zh);
          const b = num(s.brightness);
          const c = str(s.color);
          if (zh)
            return `已将${t}${b !== undefined ? `的亮度调到${b}%` : ''}${c ? `${b !== undefined ? '，' : ''}调成${COLOR_ZH[c] ?? c}` : ''}。`;
          if (b !== undefined && c) return `Set ${t} to ${c} at ${b}% brightness.`;
          return b !== undefined ? `Set ${t} to ${b}% brightness.` : `Turned ${t} ${c ?? 'on'}.`;
        })(),
      };
    }
    case 'HassSetPosition': {
      const ents = targets(intent, home).filter((e) => e.domain === 'cover' || e.domain === 'valve');
      if (!ents.length) return none();
      const actions = [...byDomain(ents)].map(([domain, ids]) =>
        call(domain, domain === 'valve' ? 'set_valve_position' : 'set_cover_position', ids, { position: num(s.position) ?? 0 }),
      );
      const t = what(intent, ents, home, zh);
      return { actions, reply: reply(`Set ${t} to ${s.position}%.`, `已将${t}设到${s.position}%。`) };
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
        reply: (() => {
          const t = what({ ...intent, slots: { ...s, domain: 'climate' } }, ids, home, zh);
          return reply(`Set ${t} to ${s.temperature} degrees.`, `已将${t}设为${s.temperature}度。`);
        })(),
      };
    }
    case 'HassClimateGetTemperature': {
      let ents = targets({ ...intent, slots: { ...s, domain: 'climate' } }, home).filter((e) => e.domain === 'climate');
      // a device asked about by name that is no thermostat answers with its own reading, or not at all
      const named = str(s.name) && !ents.length ? targets(intent, home) : [];
      if (named.length) ents = named;
      else if (!ents.length) ents = home.entities.filter((e) => e.domain === 'climate');
      const t = ents.map((e) => e.attributes.current_temperature).find((x) => x !== undefined);
      return {
        actions: [],
        query: true,
        reply:
          t === undefined
            ? reply("I don't know the temperature.", '我不知道现在的温度。')
            : reply(
                `It is ${String(t)} degrees${placeName(intent, home, false) ? ` in the ${placeName(intent, home, false)}` : ''}.`,
                `${placeName(intent, home, true) ?? '现在'}是${String(t)}度。`,
              ),
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
      // readings asked for by what they measure: each sensor's value, not a count
      if (!want && ents.every((e) => e.domain === 'sensor'))
        return {
          actions: [],
          query: true,
          reply: ents
            .slice(0, 5)
            .map((e) => describeState(e, zh))
            .join(zh ? '；' : '; ')
            .concat(zh ? '。' : '.'),
        };
      const names = matching.map((e) => entityName(e, zh));
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
      const w = home.entities.find(
        (e) => e.domain === 'weather' && (!name || [e.name, ...e.aliases].some((n) => n.toLowerCase() === name.toLowerCase())),
      );
      if (!w) return { actions: [], query: true, reply: reply('No weather information is available.', '没有天气信息。') };
      const t = w.attributes.temperature;
      return {
        actions: [],
        query: true,
        reply: reply(
          `${entityName(w, false)}: ${w.state.replace(/_/g, ' ').replace(/-/g, ' ')}${t !== undefined ? `, ${String(t)} degrees` : ''}.`,
          `${entityName(w, true)}：${WEATHER_ZH[w.state] ?? w.state}${t !== undefined ? `，${String(t)}度` : ''}。`,
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
      // one player is named, with its room when the sentence named the room ("the TV in the living room")
      const room = ents.length === 1 && !str(s.name) ? placeName(intent, home, zh) : undefined;
      const t =
        ents.length === 1
          ? zh
            ? `${room ? `${room}的` : ''}${entityName(ents[0], true)}`
            : `the ${entityName(ents[0], false)}${room ? ` in the ${room.toLowerCase()}` : ''}`
          : what({ ...intent, slots: { ...s, domain: 'media_player' } }, ents, home, zh);
      const q = str(s.search_query);
      const words: Record<string, [string, string]> = {
        HassMediaPause: [`Paused ${t}.`, `已暂停${t}。`],
        HassMediaUnpause: [`Resumed ${t}.`, `${t}已继续播放。`],
        HassMediaNext: [`Skipped to the next track on ${t}.`, `${t}已切到下一首。`],
        HassMediaPrevious: [`Went back to the previous track on ${t}.`, `${t}已回到上一首。`],
        HassSetVolume: [`Set the volume on ${t} to ${num(s.volume_level) ?? 0}%.`, `已将${t}的音量调到${num(s.volume_level) ?? 0}%。`],
        HassMediaSearchAndPlay: q ? [`Playing ${q} on ${t}.`, `正在${t}上播放${q}。`] : [`Playing music on ${t}.`, `正在${t}上播放音乐。`],
      };
      if (intent.name === 'HassMediaSearchAndPlay' && !q) data = { media_content_id: 'music', media_content_type: 'music' };
      return { actions: [call('media_player', service, ids, data)], reply: reply(...words[intent.name]) };
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
        reply: reply(
          `${(() => {
            const p = timerPhrase(sec, str(s.name));
            return p[0].toUpperCase() + p.slice(1);
          })()} started.`,
          `已开始${durationWords(sec, true)}的${str(s.name) ? `${s.name}` : ''}计时。`,
        ),
      };
    }
    case 'HassCancelTimer':
    case 'HassCancelAllTimers': {
      const params: JsonObject = {};
      if (intent.name === 'HassCancelTimer' && str(s.name)) params.name = `timer:${String(s.name)}`;
      return { actions: [{ action_type: 'cancel_task', params }], reply: reply('Timer cancelled.', '计时器已取消。') };
    }
    case 'HassPauseTimer':
    case 'HassUnpauseTimer': {
      const name = str(s.name);
      const pause = intent.name === 'HassPauseTimer';
      const the = name ? `the ${name} timer` : 'the timer';
      const zhName = name ? `${name}计时器` : '计时器';
      return {
        actions: [{ action_type: pause ? 'pause_timer' : 'resume_timer', params: name ? { name } : {} }],
        reply: pause ? reply(`Paused ${the}.`, `已暂停${zhName}。`) : reply(`Resumed ${the}.`, `${zhName}已继续。`),
      };
    }
    case 'HassIncreaseTimer':
    case 'HassDecreaseTimer': {
      const sec = durationSec(s);
      if (sec <= 0) return { actions: [], reply: reply('By how much?', '要加减多少时间？') };
      const name = str(s.name);
      const more = intent.name === 'HassIncreaseTimer';
      const the = name ? `the ${name} timer` : 'the timer';
      const zhName = name ? `${name}计时器` : '计时器';
      const amount = durationWords(sec, false);
      const zhAmount = durationWords(sec, true);
      return {
        actions: [{ action_type: 'adjust_timer', params: { ...(name ? { name } : {}), seconds: more ? sec : -sec } }],
        reply: more
          ? reply(`Added ${amount} to ${the}.`, `已给${zhName}加了${zhAmount}。`)
          : reply(`Took ${amount} off ${the}.`, `已给${zhName}减了${zhAmount}。`),
      };
    }
    case 'HassTimerStatus': {
      const t = home.timers.find(
        (x) => (!str(s.name) || x.name === s.name) && (!str(s.area) || home.findArea(x.area ?? '')?.name === s.area || x.area === s.area),
      );
      if (!t || t.total_seconds_left === undefined)
        return { actions: [], query: true, reply: reply('No timers are running.', '没有正在运行的计时器。') };
      return {
        actions: [],
        query: true,
        reply:
          t.is_active === false
            ? reply(
                `${durationWords(t.total_seconds_left, false)} left, paused.`,
                `还剩${durationWords(t.total_seconds_left, true)}，已暂停。`,
              )
            : reply(`${durationWords(t.total_seconds_left, false)} left.`, `还剩${durationWords(t.total_seconds_left, true)}。`),
      };
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
    case 'HassLawnMowerStartMowing':
    case 'HassLawnMowerDock': {
      let ents = targets(intent, home).filter((e) => e.domain === 'lawn_mower');
      if (!ents.length) ents = home.entities.filter((e) => e.domain === 'lawn_mower');
      if (!ents.length) return { actions: [], reply: reply("There's no lawn mower in this home.", '家里没有割草机。') };
      const start = intent.name === 'HassLawnMowerStartMowing';
      const names = ents.map((e) => entityName(e, zh));
      return {
        actions: [
          call(
            'lawn_mower',
            start ? 'start_mowing' : 'dock',
            ents.map((e) => e.entity_id),
          ),
        ],
        reply: start
          ? reply(`${names.join(' and ')} started mowing.`, `${names.join('和')}开始割草了。`)
          : reply(`${names.join(' and ')} is going back to its dock.`, `${names.join('和')}正在返回充电。`),
      };
    }
    case 'HassNevermind':
      return { actions: [], reply: '' };
    case 'HassRespond':
      return {
        actions: [],
        query: true,
        reply: smallTalk(String(s.respond ?? (str(s.response) ? 'say' : '')), s.response, home, zh),
      };
    case 'HassBroadcast':
      return {
        actions: [{ action_type: 'notify', params: { title: zh ? '广播' : 'Announcement', message: String(s.message ?? '') } }],
        reply: reply(`Announced: ${s.message}.`, `已广播：${s.message}。`),
      };
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
    case 'ButlerDescribeCamera': {
      // The model looks (camera_describe); without one the action says plainly that it needs one. A name the sentence
      // calls a camera picks that camera; a place stays in the question, for the only (or the person's chosen) camera.
      const name = String(s.name ?? '')
        .replace(/(那边|那儿|那里|外面)$/, '')
        .trim();
      const params: JsonObject = {
        question: zh ? `${name}有什么？请描述画面里发生的事。` : `What is happening at the ${name}? Describe what the picture shows.`,
      };
      if (s.by === 'camera') params.camera = name;
      return {
        actions: [{ action_type: 'camera_describe', params }],
        // The answer is what the model saw (the action's description).
        reply: '',
      };
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

/** Two or three things this home can do, said the way a person would ask for them (for "what can you do?"). */
export function examplesFor(home: HomeModel, zh: boolean): string[] {
  const out: string[] = [];
  const areaOf = (e: HomeEntity): string | undefined => {
    const a = home.area(e.area_id);
    return a ? nameIn([a.name, ...a.aliases], zh) : undefined;
  };
  const light = home.entities.find((e) => e.domain === 'light' && areaOf(e));
  if (light) out.push(zh ? `打开${areaOf(light)}的灯` : `turn on the ${areaOf(light)!.toLowerCase()} lights`);
  const cover = home.entities.find((e) => e.domain === 'cover');
  if (cover) out.push(zh ? `打开${entityName(cover, true)}` : `open the ${entityName(cover, false)}`);
  const climate = home.entities.find((e) => e.domain === 'climate');
  if (climate && out.length < 2)
    out.push(zh ? `把${entityName(climate, true)}调到22度` : `set the ${entityName(climate, false)} to 21 degrees`);
  const lock = home.entities.find((e) => e.domain === 'lock');
  if (lock && out.length < 2) out.push(zh ? `${entityName(lock, true)}锁了吗` : `is the ${entityName(lock, false)} locked`);
  out.push(zh ? '设一个5分钟的计时器' : 'set a timer for 5 minutes');
  if (out.length < 3) out.push(zh ? '现在几点了' : 'what time is it');
  return out.slice(0, 3);
}

/** What the butler can do here, with examples from the live home, in the speaker's language. */
export function capabilities(home: HomeModel, zh: boolean): string {
  const has = (d: string): boolean => home.entities.some((e) => e.domain === d);
  const kinds = (
    [
      ['light', 'lights', '灯'],
      ['cover', 'curtains and covers', '窗帘'],
      ['lock', 'locks', '门锁'],
      ['climate', 'heating', '空调和温度'],
      ['media_player', 'music and TV', '音乐和电视'],
      ['vacuum', 'the vacuum', '扫地机'],
    ] as const
  ).filter(([d]) => has(d));
  const ex = examplesFor(home, zh);
  if (zh) {
    const what = kinds.length ? `控制家里的${kinds.map((k) => k[2]).join('、')}，` : '';
    return `我可以${what}设计时器、回答家里设备的状态，还能记住您告诉我的事。比如说：${ex.map((x) => `“${x}”`).join('、')}。`;
  }
  const list = kinds.map((k) => k[1]);
  const what = list.length
    ? `control your ${list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : list[0]}, `
    : '';
  return `I can ${what}set timers, tell you what's on or open, and remember things for you. Try ${ex
    .map((x) => `"${x}"`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1')}.`;
}

function smallTalk(kind: string, said: unknown, home: HomeModel, zh: boolean): string {
  switch (kind) {
    case 'hello':
      return zh ? '你好！有什么可以帮您？' : 'Hello! What can I do for you?';
    case 'thanks':
      return zh ? '不客气。' : "You're welcome.";
    case 'howareyou':
      return zh ? '我很好，谢谢！家里一切正常，有什么需要吗？' : "I'm well, thank you! What can I do for you?";
    case 'listening':
      return zh
        ? '我只处理语音助手在唤醒词之后转给我的话，以及您在面板和消息里发给我的话。'
        : 'I only hear what your voice assistant passes on after its wake word, and what you type to me.';
    case 'data':
      return zh
        ? '我记下的东西都保存在这个加载项自己的数据库里；只有配置了大模型时，我离线听不懂的话才会发给它。'
        : 'What I keep stays in this add-on’s own database; only when a language model is configured are sentences I don’t understand offline sent to it.';
    case 'creator':
    case 'who':
      return zh ? '我是智能管家，Home Assistant 的一个加载项。' : "I'm Smart Butler, a Home Assistant add-on that looks after your home.";
    case 'say':
      return typeof said === 'string' ? said : '';
    default:
      return capabilities(home, zh);
  }
}
