// Simplified Chinese templates. Every Han character is a token, so templates are written without spaces.
import type { IntentGroup, LanguagePack } from '../types';
import { binarySensorCheck, domainCheck, NUMBERS, sensorCheck, SWITCHABLE } from './common';

const rules: Record<string, string> = {
  pre: '[请|麻烦|帮我|帮忙|给我|请你|请帮我|麻烦你|能不能|可以|你][帮我|给我][把|将]',
  post: '[吧|一下|呗|啊|了|好吗|谢谢|可以吗]',
  det: '[所有|全部|所有的|全部的|每个|每一个|这个|那个]',
  place: '{place}',
  on_v: '(打开|开启|开|启动|点亮|开开|激活|启用)',
  off_v: '(关闭|关掉|关上|关|熄灭|关了|停用|停止|灭掉)',
  open_v: '(打开|拉开|升起|开|开启|升高)',
  close_v: '(关闭|关上|拉上|放下|合上|关|关掉|降下)',
  q: '[吗|么|嘛|没有|没|不|呢|啊]',
  which: '(哪个|哪些|哪一个|哪一扇|哪扇|哪几个|哪几扇|什么)',
  howmany: '(有多少|有几个|有几扇|多少|几个|有几盏|几盏)',
  all: '(所有|全部|所有的|全部的|每个)',
  everywhere: '(所有|全部|全屋|整个房子|家里|家里所有|全家|屋里所有)[的]',
  pct: '({position}[%]|百分之{position})',
  vol: '({volume_level}[%]|百分之{volume_level})',
  bri: '({brightness}[%]|百分之{brightness}|{bri_level})',
  set_v: '(设置为|设置成|设置到|设为|设成|调到|调为|调成|调节为|调节到|调整为|调整到|调整成|改为|改成|变成|换成|开到|到|为)',
  hr: '[个](小时|钟头)',
  min: '(分钟|分)',
  sec: '(秒钟|秒)',
  dur: '({hours}<hr>[{minutes}<min>][{seconds}<sec>]|{hours}{half_h}|{minutes}<min>[{seconds}<sec>]|{seconds}<sec>|{dur_word})',
  sdur: '({start_hours}<hr>[{start_minutes}<min>]|{start_minutes}<min>[{start_seconds}<sec>]|{start_seconds}<sec>)',
  tword: '(计时器|计时|定时器|倒计时)',
  timer: '[我的|这个|那个]([{area}][的]|{tname:name}[的]|<sdur>[的])<tword>',
  mtgt: '({name.media_player}|<place>)',
  mword: '(tv show|tv|电视|音乐|歌|歌曲|节目|视频|播放|电影|音频)',
};

const lists: LanguagePack['lists'] = {
  dev: {
    '(灯|灯光|电灯|吊灯|台灯|灯泡)': { domain: 'light' },
    '(风扇|电扇|吊扇|电风扇)': { domain: 'fan', name: 'all' },
    '(开关|插座)': { domain: 'switch' },
  },
  cover: {
    '(窗帘|布帘)': { domain: 'cover', device_class: 'curtain' },
    '(百叶窗)': { domain: 'cover', device_class: 'blind' },
    '(遮阳帘|卷帘)': { domain: 'cover', device_class: 'shade' },
    '(窗户|窗)': { domain: 'cover', device_class: 'window' },
    '(卷帘门|百叶门)': { domain: 'cover', device_class: 'shutter' },
    '(大门|门闸)': { domain: 'cover', device_class: 'gate' },
    '(门)': { domain: 'cover', device_class: 'door' },
  },
  garage: { '(车库门|车库的门|车库大门)': { domain: 'cover', device_class: 'garage' } },
  onoff_state: {
    '(开着|亮着|打开着|开了|是开着的|开启着|开着的|是开的|在开着)': { state: 'on' },
    '(关着|关了|灭了|是关着的|关闭着|关着的|是关的|关上了)': { state: 'off' },
  },
  lock_dev: { '(门|门锁|锁|大门)': { domain: 'lock' } },
  lock_state: {
    '(锁了|锁着|锁上了|锁好了|上锁了|锁着的|锁住了|锁上|上锁)': { state: 'locked' },
    '(没锁|没有锁|没上锁|未锁|没锁上|开着)': { state: 'unlocked' },
  },
  cover_state: {
    '(开着|打开着|开了|打开了|拉开着|开着的)': { state: 'open' },
    '(关着|关了|关上了|拉上了|关着的|合上了)': { state: 'closed' },
  },
  bri_level: { '(最亮|最大|最高|全亮)': { brightness: 100 }, '(最暗|最小|最低)': { brightness: 1 } },
  color: {
    '(红色|红)': 'red',
    '(绿色|绿)': 'green',
    '(蓝色|蓝)': 'blue',
    '(黄色|黄)': 'yellow',
    '(白色|白)': 'white',
    '(紫色|紫)': 'purple',
    '(橙色|橙)': 'orange',
    '(粉色|粉红色|粉红)': 'pink',
    '(青色)': 'cyan',
    '(暖白色|暖白)': 'warm white',
  },
  half_h: { '[个]半(小时|钟头)': { minutes: 30 } },
  dur_word: {
    '半[个](小时|钟头)': { minutes: 30 },
    半分钟: { seconds: 30 },
    一刻钟: { minutes: 15 },
  },
  mode: {
    '(在家|回家|居家|家庭)': 'home',
    '(离家|外出|出门|离开)': 'away',
    '(夜间|睡眠|晚安|夜晚)': 'night',
  },
};

const groups: IntentGroup[] = [
  // ---- on / off -------------------------------------------------------------------------------------------
  {
    intent: 'HassTurnOn',
    templates: [
      '[<pre>]<on_v><everywhere>{dev}[<post>]',
      '[<pre>]<everywhere>{dev}[都]<on_v>[<post>]',
      '[<pre>]<on_v>[<det>]<place>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<place>[的][<det>]{dev}[都|全部|全都](<on_v>|打开吧)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    templates: [
      '[<pre>]<off_v><everywhere>{dev}[<post>]',
      '[<pre>]<everywhere>{dev}[都]<off_v>[<post>]',
      '[<pre>]<off_v>[<det>]<place>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<place>[的][<det>]{dev}[都|全部|全都]<off_v>[<post>]',
    ],
  },
  { intent: 'HassTurnOn', context: true, templates: ['[<pre>]<on_v>[<det>]{dev}[<post>]', '[<pre>][<det>]{dev}<on_v>[<post>]'] },
  { intent: 'HassTurnOff', context: true, templates: ['[<pre>]<off_v>[<det>]{dev}[<post>]', '[<pre>][<det>]{dev}<off_v>[<post>]'] },
  {
    intent: 'HassTurnOn',
    check: domainCheck(...SWITCHABLE.filter((d) => d !== 'lock')),
    templates: [
      '[<pre>]<on_v>[<place>][的]{name}[<post>]',
      '[<pre>][<place>][的]{name}<on_v>[<post>]',
      '[<pre>](激活|开启|启动|打开|执行|运行|切换到)[<place>][的]{name.scene+script}[场景|脚本|模式][<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    check: domainCheck(...SWITCHABLE.filter((d) => d !== 'lock')),
    templates: ['[<pre>]<off_v>[<place>][的]{name}[<post>]', '[<pre>][<place>][的]{name}<off_v>[<post>]'],
  },
  { intent: 'HassToggle', templates: ['[<pre>](切换|翻转)[<place>][的]{name}[的状态][<post>]'] },

  // ---- covers, locks, valves ---------------------------------------------------------------------------
  {
    intent: 'HassTurnOn',
    templates: [
      '[<pre>]<open_v>[<det>][<place>][的][<det>]{cover}[<post>]',
      '[<pre>][<det>][<place>][的][<det>]{cover}[都|全部]<open_v>[<post>]',
    ],
    context: true,
  },
  {
    intent: 'HassTurnOff',
    templates: [
      '[<pre>]<close_v>[<det>][<place>][的][<det>]{cover}[<post>]',
      '[<pre>][<det>][<place>][的][<det>]{cover}[都|全部]<close_v>[<post>]',
    ],
    context: true,
  },
  { intent: 'HassTurnOn', bonus: 1, templates: ['[<pre>]<open_v>{garage}[<post>]', '[<pre>]{garage}<open_v>[<post>]'] },
  { intent: 'HassTurnOff', bonus: 1, templates: ['[<pre>]<close_v>{garage}[<post>]', '[<pre>]{garage}<close_v>[<post>]'] },
  {
    intent: 'HassTurnOn',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>]<open_v>{name.cover+valve}[<post>]', '[<pre>]{name.cover+valve}<open_v>[<post>]'],
  },
  {
    intent: 'HassTurnOff',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>]<close_v>{name.cover+valve}[<post>]', '[<pre>]{name.cover+valve}<close_v>[<post>]'],
  },
  // locks: "打开前门的锁" unlocks, "关上前门的锁" locks
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    templates: [
      '[<pre>](关上|关闭|锁上|锁住|锁好|锁|上锁)[<det>]{name.lock}[的][锁|门锁][<post>]',
      '[<pre>]{name.lock}(上锁|锁上|锁好|锁住)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock' },
    templates: [
      '[<pre>](打开|解锁|解开|开)[<det>]{name.lock}的(锁|门锁)[<post>]',
      '[<pre>](解锁|解开)[<det>]{name.lock}[<post>]',
      '[<pre>]{name.lock}(解锁|开锁)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    templates: [
      '[<pre>](关上|关闭|锁上|锁住|锁好|锁)[<det>]<place>[的][<det>](门锁|锁|门)[<post>]',
      '[<pre>]<place>[的][门|门锁](上锁|锁上|锁门|锁好)[<post>]',
      '[<pre>][把]<everywhere>(门|门锁)[都](锁上|锁好|上锁)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock', name: 'all' },
    templates: ['[<pre>](解锁|解开|打开)[<det>]<place>[的][<det>](门锁|锁)[<post>]', '[<pre>]<place>[的][门|门锁](解锁|开锁)[<post>]'],
  },
  {
    intent: 'HassSetPosition',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>][设置|把|将]{name.cover+valve}[的位置]<set_v><pct>[<post>]'],
  },
  {
    intent: 'HassSetPosition',
    context: true,
    templates: [
      '[<pre>][把|将][<det>][<place>][的][<det>]{cover}[的位置]<set_v><pct>[<post>]',
      '[<pre>]设置[<place>][的]{cover}<set_v><pct>[<post>]',
    ],
  },

  // ---- lights --------------------------------------------------------------------------------------------
  {
    intent: 'HassLightSet',
    check: domainCheck('light'),
    templates: [
      '[<pre>][设置|把|将]{name.light}[的]亮度<set_v><bri>[<post>]',
      '[<pre>][设置|把|将]{name.light}<set_v><bri>[亮度][<post>]',
      '[<pre>][把|将]{name.light}[的][颜色][<set_v>]{color}[<post>]',
      '[<pre>](调暗|调亮)[一点]?{name.light}',
    ],
  },
  {
    intent: 'HassLightSet',
    slots: { name: 'all' },
    templates: [
      '[<pre>][设置|把|将][<det>]<place>[的][<det>][灯|灯光][的]亮度<set_v><bri>[<post>]',
      '[<pre>][设置|把|将][<det>]<place>[的][<det>](灯|灯光)<set_v><bri>[亮度][<post>]',
      '[<pre>][把|将][<det>]<place>[的][<det>](灯|灯光)[的][颜色][<set_v>]{color}[<post>]',
    ],
  },
  {
    intent: 'HassLightSet',
    context: true,
    slots: { name: 'all' },
    templates: [
      '[<pre>][设置|把|将][<det>][灯|灯光][的]亮度<set_v><bri>[<post>]',
      '[<pre>][把|将][<det>](灯|灯光)[的][颜色]<set_v>{color}[<post>]',
    ],
  },

  // ---- climate -------------------------------------------------------------------------------------------
  {
    intent: 'HassClimateGetTemperature',
    context: true,
    templates: [
      '[现在|目前|屋里|室内|家里](多少度|几度)[了|啊|呢]',
      '[现在|目前|屋里|室内|家里][的](温度|气温|室温)[是|有](多少|几度|多少度|怎么样)[了|啊|呢]',
    ],
  },
  {
    intent: 'HassClimateGetTemperature',
    check: domainCheck('climate'),
    templates: [
      '[<place>][的]{name.climate}[的](温度|气温|室温)[是|有](多少|几度|多少度|怎么样)[了|啊|呢|度]',
      '<place>[的](温度|气温|室温)[是|有](多少|几度|多少度|怎么样)[了|啊|呢|度]',
      '<place>[现在](多少度|几度)[了|啊|呢]',
    ],
  },
  { intent: 'HassClimateSetTemperature', context: true, templates: ['[<pre>][把|将](温度|空调|暖气)<set_v>{temperature}[度|°][<post>]'] },
  {
    intent: 'HassClimateSetTemperature',
    templates: [
      '[<pre>][把|将]<place>[的](温度|空调|暖气)<set_v>{temperature}[度|°][<post>]',
      '[<pre>][把|将]{name.climate}[的温度]<set_v>{temperature}[度|°][<post>]',
    ],
  },

  // ---- state questions -----------------------------------------------------------------------------------
  {
    intent: 'HassGetState',
    templates: [
      '[<place>][的]<which>[<det>]{dev}[是]{onoff_state}[的][<q>]',
      '[<place>][的]<howmany>[个|盏][<det>]{dev}[是]{onoff_state}[的][<q>]',
      '[<place>](有没有|有)[<det>]{dev}[是]{onoff_state}[的][<q>]',
      '[<place>][的]<all>[的]{dev}[是不是|是否]都[是]{onoff_state}[的][<q>]',
      '[<place>][的]{dev}(都|全)[是]{onoff_state}[的][<q>]',
      '[<place>][的]{dev}有(几|多少)[个|盏][是]{onoff_state}[的][<q>]',
      '[<place>][的]<which>[<det>]{cover}[是]{cover_state}[的][<q>]',
      '[<place>][的]<howmany>[个|扇][<det>]{cover}[是]{cover_state}[的][<q>]',
      '[<place>](有没有|有)[<det>]{cover}[是]{cover_state}[的][<q>]',
      '[<place>][的]<all>[的]{cover}[是不是|是否]都[是]{cover_state}[的][<q>]',
      '[<place>][的]<which>[<det>]{lock_dev}[是]{lock_state}[的][<q>]',
      '[<place>][的]<howmany>[个|扇][<det>]{lock_dev}[是]{lock_state}[的][<q>]',
      '[<place>](有没有|有)[<det>]{lock_dev}[是]{lock_state}[的][<q>]',
      '[<place>][的]<all>[的]{lock_dev}[是不是|是否]都[是]{lock_state}[的][<q>]',
      '[<place>][的]{lock_dev}有(几|多少)[个|扇][是]{lock_state}[的][<q>]',
    ],
  },
  {
    intent: 'HassGetState',
    check: domainCheck('light', 'switch', 'fan', 'media_player', 'input_boolean', 'climate'),
    templates: ['[<place>][的]{name}[是不是|是否][还]{onoff_state}[的][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: domainCheck('lock'),
    slots: { domain: 'lock' },
    templates: ['[<place>][的]{name.lock}[是不是|是否][还]{lock_state}[的][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: domainCheck('cover', 'valve'),
    templates: ['[<place>][的]{name.cover+valve}[是不是|是否][还]{cover_state}[的][<q>]'],
  },
  { intent: 'HassGetState', check: binarySensorCheck, templates: ['{name.binary_sensor}[是不是|是否](触发|检测到)[了][<q>]'] },
  {
    intent: 'HassGetState',
    check: sensorCheck,
    templates: [
      '{name.sensor}[的][{_q}][是|有](多少|几|什么|怎么样)[了|呢|啊]',
      '{name.sensor}[的](状态|读数|数值|值)[是|有]?[多少|什么|怎么样][<q>]',
    ],
  },
  { intent: 'HassGetState', templates: ['{name}[的](状态|情况)[是|怎么样|如何][什么|多少]?[<q>]'] },

  // ---- media --------------------------------------------------------------------------------------------
  {
    intent: 'HassMediaNext',
    context: true,
    templates: [
      '[<pre>][播放|切到|换到](下一台|下一曲|下一首|下一首歌|下一个|下一集|下一频道)[<post>]',
      '[<pre>](切歌|换歌|跳过)[这首|这首歌][<post>]',
    ],
  },
  {
    intent: 'HassMediaNext',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>]<mtgt>[的][播放|切到|换到](下一台|下一曲|下一首|下一首歌|下一个|下一集|下一频道)[<post>]',
      '[<pre>]<mtgt>(切歌|换歌|跳过)[<post>]',
    ],
  },
  {
    intent: 'HassMediaPrevious',
    context: true,
    templates: ['[<pre>][播放|切到|换到|回到](上一台|上一曲|上一首|上一首歌|上一个|上一集|上一频道)[<post>]'],
  },
  {
    intent: 'HassMediaPrevious',
    check: domainCheck('media_player'),
    templates: ['[<pre>]<mtgt>[的][播放|切到|换到|回到](上一台|上一曲|上一首|上一首歌|上一个|上一集|上一频道)[<post>]'],
  },
  { intent: 'HassMediaPause', context: true, templates: ['[<pre>](暂停|停止播放|暂停播放)[<mword>][<post>]'] },
  {
    intent: 'HassMediaPause',
    check: domainCheck('media_player'),
    templates: ['[<pre>](暂停|停止播放|暂停播放)<mtgt>[的][<mword>][<post>]', '[<pre>]<mtgt>[的][<mword>](暂停|停止播放|暂停播放)[<post>]'],
  },
  { intent: 'HassMediaUnpause', context: true, templates: ['[<pre>](继续|继续播放|恢复播放|接着放|接着播放)[<mword>][<post>]'] },
  {
    intent: 'HassMediaUnpause',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>](继续|继续播放|恢复播放|接着放|接着播放)<mtgt>[的][<mword>][<post>]',
      '[<pre>]<mtgt>[的][<mword>](继续|继续播放|恢复播放|接着放)[<post>]',
    ],
  },
  { intent: 'HassSetVolume', context: true, templates: ['[<pre>][把|将]音量<set_v><vol>[<post>]', '[<pre>]音量<vol>'] },
  { intent: 'HassSetVolume', check: domainCheck('media_player'), templates: ['[<pre>][把|将]<mtgt>[的]音量<set_v><vol>[<post>]'] },
  { intent: 'HassMediaSearchAndPlay', context: true, templates: ['[<pre>](播放|放|来一首|我想听|我要听|放一首|播一下){search_query}'] },

  // ---- timers -------------------------------------------------------------------------------------------
  {
    intent: 'HassStartTimer',
    templates: [
      '[<pre>][设置|开始|设定|启动|定|设|开|新建][一个]<dur>[的]<tword>[<post>]',
      '[<pre>][设置|开始|设定|启动|定|设|开|新建][一个][{tname:name}]<tword><dur>[<post>]',
      '[<pre>](设置|开始|设定|启动|定|设)[一个]{tname:name}<tword>[为|是]<dur>[<post>]',
    ],
  },
  { intent: 'HassCancelAllTimers', templates: ['[<pre>](停止|取消|关闭|删除|关掉|清除)(所有|全部)[的][{area}][的]<tword>[<post>]'] },
  {
    intent: 'HassCancelTimer',
    templates: ['[<pre>](停止|取消|关闭|删除|关掉|停掉)<timer>[<post>]', '[<pre>]<timer>(停止|取消|关掉|停掉)[<post>]'],
  },
  { intent: 'HassPauseTimer', templates: ['[<pre>](暂停|停一下)<timer>[<post>]', '[<pre>]<timer>暂停[<post>]'] },
  { intent: 'HassUnpauseTimer', templates: ['[<pre>](继续|恢复|重新开始)<timer>[<post>]', '[<pre>]<timer>(继续|恢复)[<post>]'] },
  { intent: 'HassIncreaseTimer', templates: ['[<pre>][把|将|给]<timer>(增加|加|延长|多加|加上)<dur>[<post>]'] },
  { intent: 'HassDecreaseTimer', templates: ['[<pre>][把|将|给]<timer>(减少|减|缩短|减去|少)<dur>[<post>]'] },
  {
    intent: 'HassTimerStatus',
    templates: [
      '[<pre>][查看|看看]<timer>[的](状态|还剩多少时间|剩多少时间|还有多久|剩余时间|还剩多久|还剩几分钟|剩多久|还剩多少)[<q>]',
      '[<pre>]<timer>[还]有多(久|长时间)[<q>]',
    ],
  },

  // ---- vacuum, weather, time, misc -----------------------------------------------------------------------
  {
    intent: 'HassVacuumStart',
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>][让]{name.vacuum}[开始|去](打扫|清扫|扫地|吸尘|清洁)[<place>][<post>]',
      '[<pre>](启动|开启|打开){name.vacuum}[<post>]',
      '[<pre>](打扫|清扫|清洁)[一下]<place>[<post>]',
    ],
  },
  {
    intent: 'HassVacuumReturnToBase',
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>][让]{name.vacuum}(返回|回|回去|回到)[充电|基座|底座|充电座|充电桩][去|吧][<post>]',
      '[<pre>][让]{name.vacuum}[回去]充电[<post>]',
    ],
  },
  {
    intent: 'HassGetWeather',
    templates: [
      '{name.weather}[今天|现在|明天][是|的]?(什么|怎么样的|怎样的)天气[<q>]',
      '{name.weather}[今天|现在][的]天气[怎么样|如何|怎样|好不好][<q>]',
      '[今天|现在|外面][的]天气(怎么样|如何|怎样|好不好)[<q>]',
      '[今天|现在|外面][是]什么天气[<q>]',
      '[今天|现在|外面]天气[<q>]',
    ],
  },
  {
    intent: 'HassGetCurrentTime',
    templates: ['[现在]几点[了|钟][<q>]', '[现在][是]什么时间[了][<q>]', '现在的时间[是][多少|几点][<q>]', '[告诉我][现在的]时间'],
  },
  {
    intent: 'HassGetCurrentDate',
    templates: ['[今天][是](几号|什么日子|星期几|几月几号|礼拜几)[<q>]', '今天的日期[是什么|是几号][<q>]', '[现在][是]什么日期[<q>]'],
  },
  { intent: 'HassNevermind', templates: ['(没事了|没事|算了|没什么|不用了|再见|取消|没关系|不用了谢谢)[吧|啊]'] },
  { intent: 'HassRespond', templates: ['(你好|您好|嗨|谢谢[你]|你是谁|你能做什么|我能说什么|你在一直听吗|你一直在听吗)[<q>]'] },

  // ---- the butler's own intents -----------------------------------------------------------------------
  {
    intent: 'ButlerPrivacy',
    bonus: 0.5,
    templates: [
      { t: '[<pre>](开启|打开|启用|开|进入)(隐私|私密)模式[<post>]', slots: { enabled: 'on' } },
      { t: '[<pre>](关闭|关掉|关|停用|退出)(隐私|私密)模式[<post>]', slots: { enabled: 'off' } },
      { t: '(隐私|私密)模式(开|开启|打开)', slots: { enabled: 'on' } },
      { t: '(隐私|私密)模式(关|关闭)', slots: { enabled: 'off' } },
    ],
  },
  {
    intent: 'ButlerSetMode',
    bonus: 0.5,
    templates: [
      { t: '[我|我们][要|准备](出门|走|离开|出去)了', slots: { mode: 'away' } },
      { t: '(晚安|我要睡觉了|睡觉了|我去睡了|我们睡了)[了|啦]', slots: { mode: 'night' } },
      { t: '[我|我们](回来了|到家了|回家了|在家)[了|啦]', slots: { mode: 'home' } },
      '[<pre>](切换到|切换为|设置为|设为|改成|进入|开启|打开)[家庭|家居]?{mode}模式[<post>]',
      '[<pre>][把](家庭|家居|房子)模式<set_v>{mode}[模式][<post>]',
    ],
  },
  {
    intent: 'ButlerShowCamera',
    templates: ['[<pre>](给我看|看看|显示|查看|看一下|让我看看)[一下]({name.camera}|{cam:name})[的][摄像头|监控|画面|视频][<post>]'],
  },
  {
    intent: 'ButlerSendMessage',
    check: (d) => typeof d.slots.person === 'string' && d.slots.person.length >= 2,
    templates: [
      '[<pre>](告诉|通知|提醒){person}[说]{message}',
      '[<pre>](给|跟|对|向){person}(说|发消息说|发个消息说|发消息|留言)[说]{message}',
    ],
  },
  { intent: 'ButlerRemember', templates: ['[<pre>](记住|记得|请记住|帮我记住|记一下)[一下][说]{fact}'] },
  {
    intent: 'ButlerRecall',
    templates: ['关于{topic}你(知道|记得)(什么|些什么|哪些)[<q>]', '你(知道|记得)[关于]{topic}[的](什么|些什么|哪些事|哪些)[<q>]'],
  },
];

export const ZH: LanguagePack = {
  rules,
  lists,
  numbers: NUMBERS,
  wildcards: ['search_query', 'item', 'tname', 'cam', 'person', 'message', 'fact', 'topic', '_q'],
  groups,
};
