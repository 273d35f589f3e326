// Simplified Chinese templates. Every Han character is a token, so templates are written without spaces.
import type { HomeModel } from '../home';
import { expandStrings } from '../template';
import { tokenStrings } from '../tokenize';
import type { Draft, IntentGroup, LanguagePack } from '../types';
import { binarySensorCheck, domainCheck, NUMBERS, sensorCheck, sensorClassCheck, SWITCHABLE } from './common';

const rules: Record<string, string> = {
  // a word that opens a turn without meaning anything (嗯, 好的, 对了); a list, so that every template pays one lookup
  intj: '{intj:_intj}',
  pre: '[<intj>][{please:_please}][帮我|给我|帮忙|帮][把|将|给|让]',
  post: '[一下|一下子][吧|呗|啊|了|好吗|谢谢|可以吗|好不好|行吗|哦|呀|啦|嘛|谢谢你]',
  // measure words: 这盏灯, 那扇窗帘, 这台风扇
  det: '[所有|全部|所有的|全部的|每个|每一个|这些|那些|(这|那|每)[一|两|二|三|几](个|盏|扇|台|把|组)]',
  here: '(这里|这儿|这边|这个房间|房间里|屋里|这屋)',
  place: '({place}[里|里面|内|中|那边]|<here>)',
  // two or three places at once: 厨房和卧室, 客厅、卧室跟车库
  and: '(和|跟|与|及|以及|还有|同|加上)',
  places: '{place}[的][<and>]{place}[的][<and>]{place}[里|里面]|{place}[的]<and>{place}[里|里面]',
  on_v: '[给我|给|帮我|帮忙|帮我们]((打开|开启|开|启动|点亮|开开|激活|启用|亮起|扭开))',
  off_v: '[给我|给|帮我|帮忙|帮我们]((关闭|关掉|关上|关|熄灭|熄掉|关了|停用|停止|灭掉|灭了|关停))',
  open_v: '[给我|给|帮我|帮忙|帮我们]((打开|拉开|升起|开|开启|升高|收起|卷起|拉起))',
  close_v: '[给我|给|帮我|帮忙|帮我们]((关闭|关上|拉上|放下|合上|关|关掉|降下|关了|拉下))',
  q: '[吗|么|嘛|没有|没|不|呢|啊|呀|吧]',
  ask: '([你|请][帮我|给我](看看|看一下|查一下|查查|瞧瞧|确认一下)|<askq>)',
  // how a question is opened: 请问, 你知道, 告诉我
  askq: '(<intj>|<intj>请问|请问|请问一下|问一下|我想问|我想问一下|你知道|你知不知道|告诉我|请告诉我|我想知道)',
  is: '[<now>][是|是不是|是否|有没有|有没][已经|还|都|全|全都]',
  which: '[有|有没有|有无](哪个|哪些|哪一个|哪一些|哪扇|哪一扇|哪几个|哪几扇|哪盏|哪几盏|什么)',
  howmany: '(有多少|有几个|有几扇|多少|几个|有几盏|几盏|有多少个|多少个|有几|几|是多少)',
  all: '(所有|全部|所有的|全部的|每个)',
  everywhere: '[在](所有|全部|全屋|整个房子|家里|家里所有|全家|屋里所有|所有房间|所有区域|所有楼层|所有地方|所有房间里|到处)[的]',
  pct: '([百分之]{position}[%]|{pos_word})',
  vol: '[百分之]{volume_level}[%]',
  bri: '([百分之]{brightness}[%]|{bri_level})',
  // "set", "make", ... as Home Assistant's own grammar allows them among Chinese words ("set 热水阀门到40%")
  nset: '(设置|设定|调节|调整|调|设|set|change|increase|decrease|make)',
  set_v: '([<nset>|改|变|换|开|拉|降|升|放|打开|关闭|关掉|关了|关上|关|拉开|拉上|调暗|调亮|调高|调低|调大|调小](为|到|至|成)|设为|设成)',
  // the verb that opens a position sentence: setting, opening or closing to a point
  pos_v: '(<nset>|打开|开|关闭|关掉|关了|关|拉开|拉上|关上)',
  posw: '(位置|开度|开合度|position)',
  next: '下一(台|曲|首|个|集|频道|部|个节目)[歌|歌曲]',
  prev: '上一(台|曲|首|个|集|频道|部|个节目)[歌|歌曲]',
  deg: '(度|°|摄氏度)',
  hr: '[个](小时|钟头|钟)',
  min: '(分钟|分)',
  sec: '(秒钟|秒)',
  dur: '({hours}<hr>[零][{minutes}<min>][零][{seconds}<sec>]|{hours}{half_h}|{minutes}<min>[零][{seconds}<sec>]|{hours}<hr>{half_after}|{minutes}<min>{half_m}|{seconds}<sec>|{dur_word}[<min>])',
  sdur: '({start_hours}<hr>[{start_minutes}<min>]|{start_minutes}<min>[{start_seconds}<sec>]|{start_seconds}<sec>)',
  tword: '(计时器|计时|定时器|倒计时|定时|倒数计时|闹钟)',
  my: '[我的|这个|那个|我这个|我这|我|我们的]',
  timer: '<my>([{area}][的]|{tname:name}[的]|<sdur>[的])<tword>',
  mtgt: '({name.media_player}|<place>)',
  lamp: '(灯|灯光|吸顶灯|筒灯|射灯|台灯|床头灯|落地灯|灯带|壁灯)',
  mword:
    '[这个|我的|我这个|我这](tv show|tv shows|tv|show|shows|music|media|media player|media players|电视|音乐|歌|歌曲|节目|视频|播放|电影|音频|广播|电台|媒体)',
  now: '(现在|当前|目前|这会儿|此刻|今天)',
  thing: '(温度|气温|室温)',
  mower: '(割草机|割草机器人|除草机|剪草机)',
};

const lists: LanguagePack['lists'] = {
  // how a request opens (a list: one lookup where an alternation would try each word in every template)
  please: {
    '(请|麻烦|帮我|帮忙|给我|请你|请您|请帮我|麻烦你|麻烦您|能不能|能否|可不可以|可以|你|您|帮|我想|我要|我想要|我需要)': 'yes',
  },
  intj: { '(嗯|嗯嗯|好的|好吧|行|那|那么|哦|噢|喂|嘿|哎|对了|另外|然后|还有|管家)': 'yes' },
  dev: {
    '(灯|灯光|电灯|吊灯|台灯|灯泡|吸顶灯|筒灯|射灯|床头灯|落地灯|灯带|壁灯)': { domain: 'light' },
    '(风扇|电扇|吊扇|电风扇|塔扇)': { domain: 'fan', name: 'all' },
    '(开关|插座|电源|通断器)': { domain: 'switch' },
  },
  cover: {
    '(窗帘|布帘|纱帘)': { domain: 'cover', device_class: 'curtain' },
    '(百叶窗|百叶帘|卷帘)': { domain: 'cover', device_class: 'blind' },
    '(遮阳帘)': { domain: 'cover', device_class: 'shade' },
    '(窗户|窗)': { domain: 'cover', device_class: 'window' },
    '(百叶窗户|卷帘门|百叶门)': { domain: 'cover', device_class: 'shutter' },
    '(大门|院子门|院门|铁门|门闸)': { domain: 'cover', device_class: 'gate' },
    '(遮阳蓬|遮阳棚|雨蓬|雨棚)': { domain: 'cover', device_class: 'awning' },
    '(门|房门|卷闸门)': { domain: 'cover', device_class: 'door' },
  },
  garage: { '车库[的][大|卷闸]门': { domain: 'cover', device_class: 'garage' } },
  onoff_state: {
    '(打开|开着|开了|亮着|亮了|打开着|打开了|开启着|开启|开启了|在开着|开|亮)': { state: 'on' },
    '(关闭|关着|关了|灭了|灭着|关闭着|关闭了|关上了|关掉了|关上|关|灭)': { state: 'off' },
  },
  lock_dev: { '(门|门锁|锁|大门)': { domain: 'lock' } },
  lock_state: {
    '(已上锁|已锁|锁着|锁了|锁上了|锁好了|上锁了|锁住了|锁住|锁好|锁上|上锁|上了锁|已锁上|已经锁上了|已经上锁了|锁着的)': {
      state: 'locked',
    },
    '(已解锁|解锁了|没锁|没有锁|没上锁|没有上锁|未锁|未上锁|没锁上|没有锁上|没锁好|开着|解锁)': { state: 'unlocked' },
  },
  cover_state: {
    '(打开|开着|打开着|开了|打开了|拉开着|拉开了|开启|升起了|开)': { state: 'open' },
    '(关闭|关着|关了|关上了|拉上了|合上了|关闭了|放下了|拉上|关)': { state: 'closed' },
    '(打开中|正在打开)': { state: 'opening' },
    '(关闭中|正在关闭)': { state: 'closing' },
  },
  bri_level: {
    '(最亮|最大|最高|全亮)': { brightness: 100 },
    '(最暗|最小|最低)': { brightness: 1 },
    '(一半|半亮|一半亮度)': { brightness: 50 },
  },
  // what a sensor measures, for questions that name no sensor
  sensor_class: {
    '(湿度|空气湿度|相对湿度)': { device_class: 'humidity' },
    '(空气质量|空气质量指数|aqi)': { device_class: 'aqi' },
    '(气压|大气压|大气压力)': { device_class: 'atmospheric_pressure' },
    '(二氧化碳|co2)[浓度|含量]': { device_class: 'carbon_dioxide' },
    '(光照|照度|光照度|光照强度)': { device_class: 'illuminance' },
    '(pm2.5|pm 2.5|细颗粒物)[浓度]': { device_class: 'pm25' },
    '(pm10)[浓度]': { device_class: 'pm10' },
    '(功率|用电功率|耗电功率)': { device_class: 'power' },
    '(用电量|耗电量|能耗|发电量)': { device_class: 'energy' },
    '(噪音|噪声|音量分贝)': { device_class: 'sound_pressure' },
    '(风速|风力)': { device_class: 'wind_speed' },
    '(降雨量|雨量|降水量)': { device_class: 'precipitation' },
    '(电压)': { device_class: 'voltage' },
  },
  pos_word: { '(一半|半开|中间)': { position: 50 } },
  color: {
    '(红色|红)': 'red',
    '(绿色|绿)': 'green',
    '(蓝色|蓝)': 'blue',
    '(黄色|黄)': 'yellow',
    '(白色|白)': 'white',
    '(黑色)': 'black',
    '(紫色|紫)': 'purple',
    '(橙色|橙|橘色)': 'orange',
    '(粉色|粉红色|粉红)': 'pink',
    '(棕色|咖啡色)': 'brown',
    '(青色)': 'cyan',
    '(暖白色|暖白)': 'warm white',
  },
  half_h: { '[个]半[小时|钟头|个小时|个钟头]': { minutes: 30 } },
  half_m: { '半[钟]': { seconds: 30 } },
  half_after: { 半: { minutes: 30 } },
  dur_word: {
    '(半[个](小时|钟头)|1/2(小时|钟头))': { minutes: 30 },
    '(半分钟|1/2分钟)': { seconds: 30 },
    '(一刻钟|一刻)': { minutes: 15 },
    '(三刻钟|三刻)': { minutes: 45 },
    '(一个字)': { minutes: 5 },
    '(两个字|二个字)': { minutes: 10 },
    '(三个字)': { minutes: 15 },
    '(四个字)': { minutes: 20 },
    '(五个字)': { minutes: 25 },
    '(六个字)': { minutes: 30 },
    '(七个字)': { minutes: 35 },
    '(八个字)': { minutes: 40 },
    '(九个字)': { minutes: 45 },
    '(十个字)': { minutes: 50 },
    '(十一个字)': { minutes: 55 },
  },
  mode: {
    '(在家|回家|居家|家庭)': 'home',
    '(离家|外出|出门|离开)': 'away',
    '(夜间|睡眠|晚安|夜晚)': 'night',
  },
};

// The kind words of {dev} ("灯", "吊扇"): a place and a kind word ("客厅的吊扇") are every such device there, even when
// one device is named by the kind word alone; Home Assistant reads "关掉客厅的吊扇" as the room's fans.
const KIND_WORDS = new Set(Object.keys(lists.dev).flatMap((p) => expandStrings(p).map((x) => tokenStrings(x).join(' '))));
const notKindInPlace =
  (check: (d: Draft, home: HomeModel) => boolean) =>
  (d: Draft, home: HomeModel): boolean =>
    check(d, home) && !(typeof d.slots.area === 'string' && KIND_WORDS.has(tokenStrings(String(d.slots.name)).join(' ')));
const byName = notKindInPlace(domainCheck(...SWITCHABLE.filter((d) => d !== 'lock')));

const groups: IntentGroup[] = [
  // ---- on / off -------------------------------------------------------------------------------------------
  // "everywhere" sentences name the whole home: never narrowed to the speaker's area
  {
    intent: 'HassTurnOn',
    templates: ['[<pre>]<on_v>[一下]<everywhere>{dev}[<post>]', '[<pre>]<everywhere>{dev}[都|全部|全都]<on_v>[<post>]'],
  },
  {
    intent: 'HassTurnOff',
    templates: ['[<pre>]<off_v>[一下]<everywhere>{dev}[<post>]', '[<pre>]<everywhere>{dev}[都|全部|全都]<off_v>[<post>]'],
  },
  {
    intent: 'HassTurnOn',
    context: true,
    bonus: 0.5,
    templates: [
      '[<pre>]<on_v>[一下][<det>]<place>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<place>[的][<det>]{dev}[都|全部|全都](<on_v>|打开吧)[<post>]',
      '[<pre>][在]<place><on_v>[一下][<det>]{dev}[<post>]',
      '[<pre>]<on_v>[一下][<det>]{dev}[<post>]',
      '[<pre>][<det>]{dev}[都|全部|全都]<on_v>[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    context: true,
    bonus: 0.5,
    templates: [
      '[<pre>]<off_v>[一下][<det>]<place>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<place>[的][<det>]{dev}[都|全部|全都]<off_v>[<post>]',
      '[<pre>][在]<place><off_v>[一下][<det>]{dev}[<post>]',
      '[<pre>]<off_v>[一下][<det>]{dev}[<post>]',
      '[<pre>][<det>]{dev}[都|全部|全都]<off_v>[<post>]',
    ],
  },
  {
    intent: 'HassTurnOn',
    bonus: 0.5,
    check: byName,
    templates: [
      '[<pre>]<on_v>[一下][<place>][的]{name}[<post>]',
      '[<pre>][<place>][的]{name}<on_v>[<post>]',
      '[<pre>](激活|开启|启动|打开|执行|运行|切换到|切换|启用)[一下][<place>][的]{name.scene+script}[的][场景|脚本|模式][<post>]',
      '{name.scene+script}[的][场景|脚本|模式][开启|启动|运行][<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    bonus: 0.5,
    check: byName,
    templates: ['[<pre>]<off_v>[一下][<place>][的]{name}[<post>]', '[<pre>][<place>][的]{name}<off_v>[<post>]'],
  },
  {
    bonus: 0.5,
    intent: 'HassTurnOn',
    templates: [
      '[<pre>]<on_v>[一下][<det>]<places>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<places>[的][<det>]{dev}[都|全部|全都](<on_v>|打开吧)[<post>]',
      '[<pre>]<open_v>[一下][<det>]<places>[的][<det>]{cover}[<post>]',
      '[<pre>][<det>]<places>[的][<det>]{cover}[都|全部|全都]<open_v>[<post>]',
    ],
  },
  {
    bonus: 0.5,
    intent: 'HassTurnOff',
    templates: [
      '[<pre>]<off_v>[一下][<det>]<places>[的][<det>]{dev}[<post>]',
      '[<pre>][<det>]<places>[的][<det>]{dev}[都|全部|全都]<off_v>[<post>]',
      '[<pre>]<close_v>[一下][<det>]<places>[的][<det>]{cover}[<post>]',
      '[<pre>][<det>]<places>[的][<det>]{cover}[都|全部|全都]<close_v>[<post>]',
    ],
  },
  // a television or speaker named by what it is ("打开电视")
  {
    intent: 'HassTurnOn',
    context: true,
    slots: { domain: 'media_player' },
    templates: [
      '[<pre>]<on_v>[一下][<place>][的](电视|电视机|音箱|音响)[<post>]',
      '[<pre>][<place>][的](电视|电视机|音箱|音响)<on_v>[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    context: true,
    slots: { domain: 'media_player' },
    templates: [
      '[<pre>]<off_v>[一下][<place>][的](电视|电视机|音箱|音响)[<post>]',
      '[<pre>][<place>][的](电视|电视机|音箱|音响)<off_v>[<post>]',
    ],
  },
  { intent: 'HassToggle', templates: ['[<pre>](切换|翻转)[一下][<place>][的]{name}[的状态][<post>]'] },

  // ---- covers, locks, valves ---------------------------------------------------------------------------
  {
    bonus: 0.5,
    intent: 'HassTurnOn',
    templates: [
      '[<pre>]<open_v>[一下][<det>][<place>][的][<det>]{cover}[<post>]',
      '[<pre>][<det>][<place>][的][<det>]{cover}[都|全部|全都]<open_v>[<post>]',
    ],
    context: true,
  },
  {
    bonus: 0.5,
    intent: 'HassTurnOff',
    templates: [
      '[<pre>]<close_v>[一下][<det>][<place>][的][<det>]{cover}[<post>]',
      '[<pre>][<det>][<place>][的][<det>]{cover}[都|全部|全都]<close_v>[<post>]',
    ],
    context: true,
  },
  {
    intent: 'HassTurnOn',
    templates: ['[<pre>]<open_v><everywhere>{cover}[<post>]', '[<pre>]<everywhere>{cover}[都|全部|全都]<open_v>[<post>]'],
  },
  {
    intent: 'HassTurnOff',
    templates: ['[<pre>]<close_v><everywhere>{cover}[<post>]', '[<pre>]<everywhere>{cover}[都|全部|全都]<close_v>[<post>]'],
  },
  { intent: 'HassTurnOn', bonus: 1, templates: ['[<pre>]<open_v>[一下]{garage}[<post>]', '[<pre>]{garage}<open_v>[<post>]'] },
  { intent: 'HassTurnOff', bonus: 1, templates: ['[<pre>]<close_v>[一下]{garage}[<post>]', '[<pre>]{garage}<close_v>[<post>]'] },
  {
    bonus: 0.5,
    intent: 'HassTurnOn',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>]<open_v>[一下][<place>][的]{name.cover+valve}[<post>]', '[<pre>][<place>][的]{name.cover+valve}<open_v>[<post>]'],
  },
  {
    bonus: 0.5,
    intent: 'HassTurnOff',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>]<close_v>[一下][<place>][的]{name.cover+valve}[<post>]', '[<pre>][<place>][的]{name.cover+valve}<close_v>[<post>]'],
  },
  // locks: "打开前门[的锁]" unlocks, "关上前门[的锁]" locks; a command outranks the same words read as a question
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    bonus: 0.5,
    templates: [
      '[<pre>](关上|关闭|锁上|锁住|锁好|锁|上锁)[<det>][<place>][的]{name.lock}[[的](锁|门锁)][<post>]',
      '[<pre>][<place>][的]{name.lock}[[的](锁|门锁)](上锁|锁上|锁好|锁住|锁起来|关上|关闭)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock' },
    bonus: 0.5,
    templates: [
      '[<pre>](打开|解锁|解开|开)[<det>][<place>][的]{name.lock}[[的](锁|门锁)][<post>]',
      '[<pre>][<place>][的]{name.lock}[[的](锁|门锁)](解锁|开锁|解开|打开)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    bonus: 0.5,
    templates: [
      '[<pre>](关上|关闭|锁上|锁住|锁好|锁)[<det>]<place>[的][<det>][的](门锁|锁|门)[<post>]',
      '[<pre>]<place>[的][<all>][的][门](锁|门锁)[都](上锁|锁上|锁好|关上|关闭)[<post>]',
      '[<pre>]<place>[的][门](上锁|锁上|锁门|锁好)[<post>]',
      '[<pre>]<place>(上|关)锁[<post>]',
      '[<pre>]<everywhere>(门|门锁|锁)[都](锁上|锁好|上锁|关上)[<post>]',
      '[<pre>](锁上|锁好)<everywhere>(门|门锁)[<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock', name: 'all' },
    bonus: 0.5,
    templates: [
      '[<pre>](解锁|解开|打开|开)[<det>]<place>[的][<det>][的][门](门锁|锁)[<post>]',
      '[<pre>]<place>[的][<all>][的][门](锁|门锁)[都](解锁|开锁|打开|解开)[<post>]',
      '[<pre>]<place>(开|解)锁[<post>]',
    ],
  },
  {
    intent: 'HassSetPosition',
    check: domainCheck('cover', 'valve'),
    templates: [
      '[<pre>][设置|设定|调节|调|把|将|给|让][<place>][的]{name.cover+valve}[的][<posw>]<set_v><pct>[<post>]',
      '[<pre>]<pos_v>[<place>][的]{name.cover+valve}[的][<posw>](为|到|成|至)<pct>[<post>]',
    ],
  },
  {
    intent: 'HassSetPosition',
    context: true,
    templates: [
      '[<pre>][把|将|给|让][<det>][<place>][的][<det>]{cover}[的][<posw>]<set_v><pct>[<post>]',
      '[<pre>]<pos_v>[<place>][的]{cover}[的][<posw>](为|到|成|至)<pct>[<post>]',
    ],
  },

  // ---- lights --------------------------------------------------------------------------------------------
  {
    intent: 'HassLightSet',
    check: domainCheck('light'),
    templates: [
      '[<pre>][设置|设定|调节|调|把|将|给][<place>][的]{name.light}[的]亮度[<set_v>]<bri>[<post>]',
      '[<pre>](设置|设定|调节|调)[<place>][的]{name.light}[的]亮度(为|到|成|至)<bri>[<post>]',
      '[<pre>][设置|把|将|给][<place>][的]{name.light}<set_v><bri>[亮度][<post>]',
      '[<pre>][把|将|给][<place>][的]{name.light}[的][颜色|灯光|光][<set_v>]{color}[的][<post>]',
      '[<pre>](调暗|调亮)[一点]?{name.light}',
    ],
  },
  {
    intent: 'HassLightSet',
    slots: { name: 'all' },
    templates: [
      '[<pre>][设置|设定|调节|调|把|将|给][<det>]<place>[的][<det>][<lamp>][的]亮度[<set_v>]<bri>[<post>]',
      '[<pre>](设置|设定|调节|调)[<det>]<place>[的][<det>][<lamp>][的]亮度(为|到|成|至)<bri>[<post>]',
      '[<pre>][设置|把|将|给][<det>]<place>[的][<det>]<lamp><set_v><bri>[亮度][<post>]',
      '[<pre>][把|将|给][<det>]<place>[的][<det>]<lamp>[的][颜色][<set_v>]{color}[的][<post>]',
    ],
  },
  {
    intent: 'HassLightSet',
    context: true,
    slots: { name: 'all' },
    templates: [
      '[<pre>][设置|设定|调节|调|把|将|给][<det>][灯|灯光][的]亮度<set_v><bri>[<post>]',
      '[<pre>][把|将|给][<det>](灯|灯光)<set_v><bri>[亮度][<post>]',
      '[<pre>][把|将|给][<det>](灯|灯光)[的][颜色]<set_v>{color}[的][<post>]',
    ],
  },

  // ---- climate -------------------------------------------------------------------------------------------
  {
    intent: 'HassClimateGetTemperature',
    context: true,
    templates: [
      '[<askq>][<now>][屋里|室内|家里|屋子里][有|的|是](多少度|几度|温度多少|温度)[了|啊|呢]',
      '[<askq>][<now>][屋里|室内|家里|屋子里][的][<now>]<thing>[是|有](多少|几度|多少度|怎么样|是多少)[了|啊|呢|度]',
      '[<askq>][<now>][屋里|室内|家里|屋子里](冷|热)(吗|不|不冷|不热)',
    ],
  },
  {
    intent: 'HassClimateGetTemperature',
    check: domainCheck('climate'),
    templates: [
      '[<askq>][<now>][<place>][的][<now>]{name.climate}[的][<now>][<thing>][是|有](多少|几度|多少度|怎么样|是多少)[了|啊|呢|度]',
      '[<askq>][<now>]<place>[的][<now>]<thing>[是|有](多少|几度|多少度|怎么样|是多少)[了|啊|呢|度]',
      '[<askq>][<now>]<place>[的][<now>][有|的|是](多少|几|温)度[了|啊|呢]',
      '[<askq>][<now>][<place>][的]{name.climate}[的][<now>][有|的|是](多少|几|温)度[了|啊|呢]',
    ],
  },
  {
    intent: 'HassClimateSetTemperature',
    context: true,
    templates: [
      '[<pre>][把|将|给][室内|屋里|家里][的](温度|空调|暖气|室温)<set_v>{temperature}[<deg>][<post>]',
      '[<pre>][把|将|给][室内|屋里|家里][的][温度|空调|暖气|室温][<set_v>]{temperature}<deg>[<post>]',
      '[<pre>](设置|设定|调节|调)(温度|空调|暖气|室温)(为|到|成|至){temperature}[度|°|摄氏度][<post>]',
    ],
  },
  {
    intent: 'HassClimateSetTemperature',
    templates: [
      '[<pre>][把|将|给]<place>[的](温度|空调|暖气|室温)<set_v>{temperature}[度|°|摄氏度][<post>]',
      '[<pre>][把|将|给][<place>][的]{name.climate}[的温度]<set_v>{temperature}[<deg>][<post>]',
      '[<pre>][把|将|给][<place>][的]{name.climate}[的][温度][<set_v>]{temperature}<deg>[<post>]',
      '[<pre>][把|将|给]<place>[的][温度|空调|暖气|室温][<set_v>]{temperature}<deg>[<post>]',
      '[<pre>](设置|设定|调节|调)[<place>][的]{name.climate}[的温度](为|到|成|至){temperature}[度|°|摄氏度][<post>]',
    ],
  },

  // ---- state questions -----------------------------------------------------------------------------------
  {
    intent: 'HassGetState',
    templates: [
      '[<ask>][<place>|<everywhere>][的]<which>[<det>][<place>][的]{dev}<is>{onoff_state}[的|了][<q>]',
      '[<ask>][<place>|<everywhere>][的]<howmany>[个|盏][<det>][<place>][的]{dev}<is>{onoff_state}[的|了][<q>]',
      '[<ask>][<place>](有没有|有)[<det>]{dev}<is>{onoff_state}[的|了][<q>]',
      '[<ask>][<place>][的][<all>][的][<place>][的]{dev}<is>都[是]{onoff_state}[的|了][<q>]',
      '[<ask>][<place>][的][<det>]{dev}<is>{onoff_state}[的|了][<q>]',
      '[<ask>]<places>[的][<det>]{dev}<is>[都]{onoff_state}[的|了][<q>]',
      '[<ask>]<everywhere>[还](有没有|有)[<det>]{dev}<is>{onoff_state}[的|了][<q>]',
      '[<ask>]<everywhere>[还](有没有|有)[<det>]{cover}<is>{cover_state}[的|了][<q>]',
      '[<ask>]<places>[的][<det>]{cover}<is>[都]{cover_state}[的|了][<q>]',
      '[<ask>][<place>][的]{dev}有(几|多少)[个|盏][是]{onoff_state}[的|了][<q>]',
      '[<ask>][<place>|<everywhere>][的]<which>[<det>][<place>][的]{cover}<is>{cover_state}[的|了][<q>]',
      '[<ask>][<place>|<everywhere>][的]<howmany>[个|扇][<det>][<place>][的]{cover}<is>{cover_state}[的|了][<q>]',
      '[<ask>][<place>](有没有|有)[<det>]{cover}<is>{cover_state}[的|了][<q>]',
      '[<ask>][<place>][的][<all>][的][<place>][的]{cover}<is>都[是]{cover_state}[的|了][<q>]',
      '[<ask>][<place>][的][<det>]{cover}<is>{cover_state}[的|了][<q>]',
      '[<ask>][<place>|<everywhere>][的](<which>|哪扇|哪一扇)[<det>][<place>][的]{lock_dev}<is>{lock_state}[的|了][<q>]',
      '[<ask>][<place>|<everywhere>][的](<howmany>|有几扇)[个|扇][<det>][<place>][的]{lock_dev}<is>{lock_state}[的|了][<q>]',
      '[<ask>][<place>](有没有|有)[<det>]{lock_dev}<is>{lock_state}[的|了][<q>]',
      '[<ask>][<place>][的][<all>][的][<place>][的]{lock_dev}<is>都[是]{lock_state}[的|了][<q>]',
      '[<ask>][<place>][的]{lock_dev}(<which>|哪扇|哪一扇|有几扇|有几个|有多少)[是]{lock_state}[的|了][<q>]',
      '[<ask>][<place>][的][<det>]{lock_dev}<is>{lock_state}[的|了][<q>]',
    ],
  },
  // "车库门" is the garage door, not the garage's door: it outweighs the area 车库 and the kind 门, as in commands
  {
    intent: 'HassGetState',
    bonus: 0.5,
    templates: [
      '[<ask>][有|有没有][<all>][的]{garage}<is>[都]{cover_state}[的|了][<q>]',
      '[<ask>](<which>|<howmany>)[个|扇]{garage}<is>{cover_state}[的|了][<q>]',
    ],
  },
  {
    intent: 'HassGetState',
    check: notKindInPlace(domainCheck(...SWITCHABLE.filter((d) => !['cover', 'valve', 'lock'].includes(d)))),
    templates: ['[<ask>][<place>][的]{name}<is>{onoff_state}[的|了][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: domainCheck('lock'),
    slots: { domain: 'lock' },
    templates: ['[<ask>][<place>][的]{name.lock}<is>{lock_state}[的|了][<q>]'],
  },
  // "侧门有锁着的吗"; weighs less, so that "有没有锁上" stays a question and not "有" + "没有锁上"
  {
    intent: 'HassGetState',
    check: domainCheck('lock'),
    slots: { domain: 'lock' },
    bonus: -0.5,
    templates: ['[<ask>][<place>][的]{name.lock}有{lock_state}[的|了][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: domainCheck('cover', 'valve'),
    templates: ['[<ask>][<place>][的]{name.cover+valve}<is>{cover_state}[的|了][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: binarySensorCheck,
    templates: ['[<ask>]{name.binary_sensor}[是不是|是否|有没有](触发|检测到)[了][<q>]'],
  },
  {
    intent: 'HassGetState',
    check: sensorCheck,
    templates: [
      '[<ask>][<place>][的]{name.sensor}[的][{_q}][<now>][是|有](多少|几|什么|怎么样|是多少|多少度|几度)[了|呢|啊]',
      '[<ask>][<place>][的]{name.sensor}[的](状态|读数|数值|值)[是|有]?[多少|什么|怎么样][<q>]',
    ],
  },
  {
    intent: 'HassGetState',
    templates: [
      '[<ask>][<place>][的]{name}[的][状态|情况](是什么|是多少|有多少|有几个|是几|什么|怎么样|如何|是怎样)[的][<q>]',
      '[<ask>][<place>][的]{name}[的][是什么|什么|是多少|是几|几](状态|情况)[<q>]',
    ],
  },

  // ---- media --------------------------------------------------------------------------------------------
  {
    intent: 'HassMediaNext',
    context: true,
    templates: [
      '[<pre>][<mword>][的][播放|切到|换到|放|跳到|换|切|来](<next>|下一)[<post>]',
      '[<pre>](切歌|换歌|跳过|换一首|换一个|换首歌)[这首|这首歌|这个][<post>]',
    ],
  },
  {
    intent: 'HassMediaNext',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>]<mtgt>[的][<mword>][播放|切到|换到|放|跳到](<next>|下一)[<post>]',
      '[<pre>]<mtgt>[的](切歌|换歌|跳过|换一首)[<post>]',
    ],
  },
  {
    intent: 'HassMediaPrevious',
    context: true,
    templates: [
      '[<pre>][<mword>][的][播放|切到|换到|回到|放|返回|换|切](<prev>|上一)[<post>]',
      '[<pre>](重复|重放|再放一遍|再播一遍)(这个|这首|这曲|这首歌|刚才那首|上一首)[<post>]',
    ],
  },
  {
    intent: 'HassMediaPrevious',
    check: domainCheck('media_player'),
    templates: ['[<pre>]<mtgt>[的][<mword>][播放|切到|换到|回到|放|返回](<prev>|上一)[<post>]'],
  },
  {
    intent: 'HassMediaPause',
    context: true,
    templates: [
      '[<pre>](暂停|停止播放|暂停播放|停一下|停止|闭嘴播放)[<mword>][<post>]',
      '[<pre>]<mword>(暂停|停止播放|暂停播放|停一下)[<post>]',
    ],
  },
  {
    intent: 'HassMediaPause',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>](暂停|停止播放|暂停播放|闭嘴)<mtgt>[的][<mword>][<post>]',
      '[<pre>]<mtgt>[的][<mword>](暂停|停止播放|暂停播放|停一下|闭嘴|闭嘴播放)[<post>]',
    ],
  },
  {
    intent: 'HassMediaUnpause',
    context: true,
    templates: [
      '[<pre>](继续|继续播放|恢复播放|接着放|接着播放|接着播|恢复|继续放)[<mword>][<post>]',
      '[<pre>]<mword>(继续|继续播放|恢复播放|接着放|接着播放|恢复)[<post>]',
    ],
  },
  {
    intent: 'HassMediaUnpause',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>](继续|继续播放|恢复播放|接着放|接着播放|恢复)<mtgt>[的][<mword>][<post>]',
      '[<pre>]<mtgt>[的][<mword>](继续|继续播放|恢复播放|接着放|恢复)[<post>]',
    ],
  },
  {
    intent: 'HassSetVolume',
    context: true,
    templates: [
      '[<pre>][把|将|给][<mword>][的](音量|声音)<set_v><vol>[<post>]',
      '[<pre>]<nset>[一下][<mword>][的](音量|声音)(为|到|成|至)<vol>[<post>]',
      '[<pre>]音量<vol>',
    ],
  },
  {
    intent: 'HassSetVolume',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>][把|将|给]<mtgt>[的][<mword>][的](音量|声音)<set_v><vol>[<post>]',
      '[<pre>]<nset>[一下]<mtgt>[的][<mword>][的](音量|声音)(为|到|成|至)<vol>[<post>]',
    ],
  },
  {
    intent: 'HassMediaSearchAndPlay',
    context: true,
    templates: ['[<pre>](播放|放|来一首|我想听|我要听|放一首|播一下|来点|放点|播放一首|听){search_query}[<post>]'],
  },
  {
    intent: 'HassMediaSearchAndPlay',
    slots: { search_query: '' },
    templates: ['[<pre>][在]<mtgt>(播放|放|来|播)[点|一些|一点|些|一首](音乐|歌|歌曲)[吧|<post>]'],
  },

  // ---- timers -------------------------------------------------------------------------------------------
  {
    intent: 'HassStartTimer',
    templates: [
      '[<pre>][设置|开始|设定|启动|定|设|开|新建|创建|来][一个|个]<dur>[的]<tword>[<post>]',
      '[<pre>][设置|开始|设定|启动|定|设|开|新建|创建][一个|个]<my>[{tname:name}]<tword>[为|是]<dur>[<post>]',
      '[<pre>](设置|开始|设定|启动|定|设|创建)[一个|个]<my>{tname:name}<tword>[为|是]<dur>[<post>]',
      '[<pre>]<dur>(后|以后|之后)(提醒我|叫我)[<post>]',
    ],
  },
  {
    intent: 'HassStartTimer',
    templates: ['[<pre>]<dur>(后|以后|之后){conversation_command}'],
    check: (d) => typeof d.slots.conversation_command === 'string' && d.slots.conversation_command.length >= 2,
  },
  {
    intent: 'HassCancelAllTimers',
    templates: [
      '[<pre>](停止|取消|关闭|删除|关掉|清除|停掉)(所有|全部)[的][{area}][的]<tword>[<post>]',
      '[<pre>][把](所有|全部)[的]<tword>(都)?(取消|删除|关掉|停掉)[<post>]',
    ],
  },
  {
    intent: 'HassCancelTimer',
    templates: [
      '[<pre>](停止|取消|关闭|删除|关掉|停掉|清除)<timer>[<post>]',
      '[<pre>]<timer>(停止|取消|关掉|停掉|删除|删掉|关闭|清除)[掉][<post>]',
    ],
  },
  { intent: 'HassPauseTimer', templates: ['[<pre>](暂停|停一下)<timer>[<post>]', '[<pre>]<timer>(暂停|停一下)[<post>]'] },
  { intent: 'HassUnpauseTimer', templates: ['[<pre>](继续|恢复|重新开始)<timer>[<post>]', '[<pre>]<timer>(继续|恢复)[<post>]'] },
  { intent: 'HassIncreaseTimer', templates: ['[<pre>][把|将|给|让]<timer>(增加|加|延长|多加|加上|添加|加添|再加)<dur>[<post>]'] },
  { intent: 'HassDecreaseTimer', templates: ['[<pre>][把|将|给|让]<timer>(减少|减|缩短|减去|少|减掉)<dur>[<post>]'] },
  {
    intent: 'HassTimerStatus',
    templates: [
      '[<pre>][查看|看看|看一下]<timer>[的](状态|还剩多少时间|剩多少时间|还有多久|剩余时间|还剩多久|还剩几分钟|剩多久|还剩多少)[<q>]',
      '[<pre>]<timer>[的][还|重](剩|剩下|剩余)[了](多少|多长|几)[时间|分钟|秒|秒钟|小时|点][了][<q>]',
      '[<pre>]<timer>[还]有多(久|长时间)[<q>]',
      '[<pre>]<timer>(什么时候|多久)(响|结束|到)[<q>]',
    ],
  },

  // ---- lists --------------------------------------------------------------------------------------------
  {
    intent: 'HassShoppingListAddItem',
    templates: [
      '[<pre>][把|将]{item}(加到|加入|添加到|放到|放进|写到|记到|加进)<my>(购物|采购)(清单|列表|单)[里|上|中][<post>]',
      '[<pre>][在|往]<my>(购物|采购)(清单|列表|单)[里|上|中](加上|添加|加|加入|写上|记上)[一些|一个|点]{item}',
    ],
  },
  {
    intent: 'HassShoppingListCompleteItem',
    templates: [
      '[<pre>][把|将]{item}从<my>(购物|采购)(清单|列表|单)[上|里|中](划掉|删掉|删除|去掉|勾掉|移除|勾选掉)[<post>]',
      '[<pre>][在]<my>(购物|采购)(清单|列表|单)[上|里|中](划掉|删掉|删除|去掉|勾掉|勾选)[一下]{item}',
    ],
  },
  {
    intent: 'HassShoppingListCompleteItem',
    templates: [
      '[<pre>][把|将]<my>(购物|采购)(清单|列表|单)[上|里|中][的]{item}(划掉|删掉|删除|去掉|勾掉|移除|勾选掉|标记为已完成|标为已买)[<post>]',
      '{item}[已经|已](买好了|买到了|买过了)[<post>]',
    ],
  },
  {
    intent: 'HassListAddItem',
    templates: ['[<pre>][把|将]{item}(加到|加入|添加到|放到|放进|写到|记到)<my>{name.todo}[清单|列表][里|上|中][<post>]'],
  },
  {
    intent: 'HassListCompleteItem',
    templates: [
      '[<pre>][把|将]{item}从<my>{name.todo}[清单|列表][上|里|中](划掉|删掉|删除|去掉|勾掉|移除|勾选掉)[<post>]',
      '[<pre>][把|将]<my>{name.todo}[清单|列表][上|里|中][的]{item}(划掉|删掉|删除|去掉|勾掉|移除|勾选掉|标记为已完成)[<post>]',
      '[<pre>][在]<my>{name.todo}[清单|列表][上|里|中](划掉|删掉|删除|去掉|勾掉|勾选)[一下]{item}',
    ],
  },

  // ---- readings by what they measure --------------------------------------------------------------------
  {
    intent: 'HassGetState',
    context: true,
    check: sensorClassCheck,
    templates: [
      '[<now>][<place>|<places>][的][<now>]{sensor_class}[<now>][是|有](多少|几|什么|怎么样|是多少|如何|高不高|大不大)[了|呢|啊|呀]',
      '[<now>][<place>|<places>][的][<now>]{sensor_class}[<now>][<q>]',
      { t: '[<now>][<place>][<now>](湿度大吗|潮湿吗|潮不潮|干燥吗|湿不湿|干不干)', slots: { device_class: 'humidity' } },
      { t: '[<now>][外面|室外][<now>]风(大吗|大不大|有多大)', slots: { device_class: 'wind_speed' } },
    ],
  },

  // ---- lawn mower ---------------------------------------------------------------------------------------
  {
    intent: 'HassLawnMowerStartMowing',
    check: domainCheck('lawn_mower'),
    bonus: 0.5,
    templates: [
      '[<pre>][让|叫]{name.lawn_mower}[开始|去](割草|除草|修剪草坪|剪草)[吧][<post>]',
      '[<pre>](启动|开启|打开){name.lawn_mower}[<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerStartMowing',
    slots: { domain: 'lawn_mower' },
    templates: [
      '[<pre>][让|叫]<mower>[开始|去](割草|除草|工作|修剪草坪|剪草)[吧][<post>]',
      '[<pre>](启动|开启|打开)<mower>[<post>]',
      '[<pre>](开始|去)(割草|除草|剪草)[吧][<post>]',
      '[<pre>](割|剪|修剪)[一下][院子里的|花园里的](草|草坪)[吧][<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerDock',
    check: domainCheck('lawn_mower'),
    bonus: 0.5,
    templates: [
      '[<pre>][让|叫]{name.lawn_mower}(返回|回|回去|回到)[充电|基座|底座|充电座|充电桩|基站][去|吧][<post>]',
      '[<pre>][让|叫]{name.lawn_mower}[回去]充电[<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerDock',
    slots: { domain: 'lawn_mower' },
    templates: [
      '[<pre>][让|叫]<mower>(返回|回|回去|回到)[充电|基座|底座|充电座|充电桩|基站][去|吧][<post>]',
      '[<pre>][让|叫]<mower>[回去]充电[<post>]',
      '[<pre>](停止|别)割草[了][<post>]',
    ],
  },

  // ---- vacuum, weather, time, misc -----------------------------------------------------------------------
  {
    intent: 'HassVacuumStart',
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>][让|叫]{name.vacuum}[开始|去](打扫|清扫|扫地|吸尘|清洁|拖地)[一下][<place>][<post>]',
      '[<pre>](启动|开启|打开){name.vacuum}[<post>]',
      '[<pre>]{name.vacuum}[的][开始|开始打扫|开始清洁|开始扫地|开始工作|去打扫|工作][吧]',
      '[<pre>](打扫|清扫|清洁|吸尘)[一下]<place>[<post>]',
    ],
  },
  {
    intent: 'HassVacuumStart',
    slots: { domain: 'vacuum' },
    templates: [
      '[<pre>][让|叫](扫地机器人|扫地机|吸尘器|扫地机器|机器人)[开始|去](打扫|清扫|扫地|吸尘|清洁|拖地|工作)[一下][<place>][<post>]',
      '[<pre>](启动|开启|打开)(扫地机器人|扫地机|吸尘器)[<post>]',
    ],
  },
  {
    intent: 'HassVacuumReturnToBase',
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>][让|叫]{name.vacuum}(返回|回|回去|回到)[充电|基座|底座|充电座|充电桩][去|吧][<post>]',
      '[<pre>][让|叫]{name.vacuum}[回去]充电[<post>]',
      '[<pre>][让|叫]{name.vacuum}[的](返回|回去|回到|回)[为|到|成|至][基站|充电|底座|充电座|充电桩][<post>]',
    ],
  },
  {
    intent: 'HassVacuumReturnToBase',
    slots: { domain: 'vacuum' },
    templates: [
      '[<pre>][让|叫](扫地机器人|扫地机|吸尘器|机器人)(返回|回|回去|回到)[充电|基座|底座|充电座|充电桩][去|吧][<post>]',
      '[<pre>][让|叫](扫地机器人|扫地机|吸尘器|机器人)[回去]充电[<post>]',
    ],
  },
  {
    intent: 'HassGetWeather',
    templates: [
      '[<askq>]{name.weather}[<now>|明天][是|的]?(什么|怎么样的|怎样的)天气[<q>]',
      '[<askq>]{name.weather}[<now>|明天][的]天气[是|会][怎么样|如何|怎样|好不好|什么样|什么][<q>]',
      '[<askq>][<now>|外面|明天][的]天气[是|会](怎么样|如何|怎样|好不好|什么样|什么)[<q>]',
      '[<askq>][<now>|外面](是什么|几|是几|是多少|什么)天气[怎样|如何|怎么样][<q>]',
      '[<askq>]{name.weather}[的](是什么|什么|是几|是多少)天气[怎样|如何|怎么样][<q>]',
      '[<askq>][<now>|外面]天气[<q>]',
      '[<askq>][{name.weather}][<now>|外面|明天][会]?(下雨|下雪|晴|晴天|刮风|冷|热|出太阳)(吗|不|没有)',
      '[<askq>][<now>][要|需要]带(伞|雨伞)(吗|不)',
    ],
  },
  {
    intent: 'HassGetCurrentTime',
    templates: [
      '[<askq>][<now>](几|是几|什么|是什么|是多少)(点[钟]|时间)[了][<q>]',
      '[<askq>][<now>](点|时间)[了](是多少|有多少|是几点|几点)[<q>]',
      '[<askq>][<now>][是](什么|是什么|是多少)时间[了][<q>]',
      '[<askq>][<now>][的]时间[是][多少|几点][了][<q>]',
      '[<askq>][<now>][的]时间',
    ],
  },
  {
    intent: 'HassGetCurrentDate',
    templates: [
      '[<askq>][今天|今日|今个|今儿][是](几号|什么日子|星期几|几月几号|礼拜几|几月几日|周几|几日)[了][<q>]',
      '[<askq>](今天|今日|今个|今儿)[的]日期[是什么|是几号|是多少][<q>]',
      '[<askq>][<now>][是]什么日期[<q>]',
      '[<askq>](今天|今日|今个|今儿)(是什么|几|是几|是多少|什么|是)(号|日)[了][<q>]',
    ],
  },
  {
    intent: 'HassNevermind',
    templates: ['[<intj>](没事了|没事|没事儿|算了|没什么|不用了|再见|取消|没关系|不用了谢谢|闭嘴|退下|算了吧)[吧|啊]'],
  },
  {
    intent: 'HassRespond',
    templates: [
      { t: '[<pre>](你好|您好|嗨|哈喽|早上好|早安|早|下午好|晚上好|中午好)[呀|啊|管家]', slots: { respond: 'hello' } },
      { t: '(谢谢|谢谢你|谢谢您|多谢|感谢|辛苦了|太好了|好的谢谢)[你|您|啦|了]', slots: { respond: 'thanks' } },
      { t: '[你好][,](你|您)(好吗|最近好吗|怎么样|最近怎么样|还好吗|今天怎么样)[呀|啊]', slots: { respond: 'howareyou' } },
      { t: '(你|您)是谁[<q>]', slots: { respond: 'who' } },
      { t: '谁(做|造|开发|创造)了(你|您)[<q>]', slots: { respond: 'creator' } },
      { t: '(你|您)(能|可以|会)(做|干|帮我做|帮我干)(什么|些什么|啥|哪些事)[<q>]', slots: { respond: 'capabilities' } },
      { t: '(我|我们)(能|可以)(说|问|让你做)(什么|些什么|啥)[<q>]', slots: { respond: 'capabilities' } },
      { t: '(你|您)(有|都有)(什么|哪些)(功能|本事|本领)[<q>]', slots: { respond: 'capabilities' } },
      { t: '(帮助|怎么用|使用说明)', slots: { respond: 'capabilities' } },
      { t: '(你|您)(在|是不是|是否)?(一直|总是)(在)?(听|录音)[吗|呢]', slots: { respond: 'listening' } },
      { t: '(我的)?(数据|录音|声音)(去|发)?(哪里|哪儿)了?[<q>]', slots: { respond: 'data' } },
    ],
  },
  {
    intent: 'HassBroadcast',
    templates: [
      '<everywhere>(广播|公告|宣布|通知|播报)[一下][说]{message}',
      '(广播|公告|宣布|播报)[一下][说]{message}',
      '(通知|告诉)(大家|所有人|全家|家里人|全家人|每个人)[说]{message}',
    ],
  },

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
    templates: [
      '关于{topic}你(知道|记得)(什么|些什么|哪些)[<q>]',
      '你(知道|记得)[关于]{topic}[的](什么|些什么|哪些事|哪些)[<q>]',
      // questions about what was remembered: "水管工什么时候来？"
      { t: '{topic}(什么时候|哪天|几点|星期几|周几|在哪里|在哪儿|在哪)[来|到|去|回来|放着]?[<q>]', slots: { natural: 'yes' } },
    ],
  },
  // ---- cameras: what a camera sees (camera_describe; needs a model) ----
  // A place or a camera by name; `by: camera` when the sentence says it is a camera (门口的摄像头).
  {
    intent: 'ButlerDescribeCamera',
    bonus: 1,
    templates: [
      '[<pre>]{cam:name}[那边|那儿|那里|外面](有什么|有谁|有人吗|有没有人|怎么样|什么情况|是什么情况|发生了什么|在发生什么)[<post>]',
      '[<pre>](谁在|是谁在|有谁在|有人在)[<pre>]{cam:name}[那边|那儿|那里|外面][<post>]',
      '[<pre>](看看|看一下|瞧瞧|看下)[一下]{cam:name}[那边|那儿|那里|外面](有什么|有谁|有没有人|怎么样|什么情况)[<post>]',
      {
        t: '[<pre>](给我看|看看|显示|查看|看一下|让我看看)[一下]{cam:name}[的](摄像头|监控)[拍到了什么|看到了什么|有什么][<post>]',
        slots: { by: 'camera' },
      },
      { t: '[<pre>]{cam:name}[的](摄像头|监控)(拍到了什么|看到了什么|有什么|看到什么)[<post>]', slots: { by: 'camera' } },
    ],
  },
];

// A request asked as a question: "可以帮我把卧室灯关了吗", "能不能打开客厅的灯吗". A trailing 吗 cannot simply join <post>,
// since "卧室的灯关了吗" asks about the light; only a request opener (可以, 能不能 …) makes the question a command.
const ASKED = new Set([
  'HassTurnOn',
  'HassTurnOff',
  'HassSetPosition',
  'HassLightSet',
  'HassClimateSetTemperature',
  'HassSetVolume',
  'HassMediaPause',
  'HassMediaUnpause',
  'HassMediaNext',
  'HassMediaPrevious',
  'HassStartTimer',
  'HassCancelTimer',
  'HassVacuumStart',
  'HassVacuumReturnToBase',
]);
rules.req =
  '(可以|可不可以|能|能不能|能否|你能|你可以|你能不能|你可不可以|您能|您可以|您能不能|麻烦你|麻烦您)[请|帮我|给我|帮忙|帮][帮我|给我|帮忙][把|将|给|让]';
for (const g of groups) {
  if (!ASKED.has(g.intent)) continue;
  const asked: IntentGroup['templates'] = [];
  for (const t of g.templates) {
    const src = typeof t === 'string' ? t : t.t;
    if (!src.startsWith('[<pre>]') || !src.endsWith('[<post>]')) continue;
    const q = `<req>${src.slice('[<pre>]'.length, -'[<post>]'.length)}[一下]吗`;
    asked.push(typeof t === 'string' ? q : { ...t, t: q });
  }
  g.templates.push(...asked);
}

export const ZH: LanguagePack = {
  rules,
  lists,
  numbers: NUMBERS,
  wildcards: ['search_query', 'item', 'tname', 'cam', 'person', 'message', 'fact', 'topic', '_q', 'conversation_command'],
  groups,
};
