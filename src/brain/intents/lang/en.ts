// English templates. General phrasings in the spirit of home-assistant/intents, written for this matcher.
import type { IntentGroup, LanguagePack } from '../types';
import { binarySensorCheck, domainCheck, NUMBERS, sensorCheck, sensorClassCheck, sensorPartCheck, SWITCHABLE } from './common';

const rules: Record<string, string> = {
  pre: '[please|hey|ok|okay|so] [(can|could|would|will) you [please]|i (want|need) you to|go ahead and] [please]',
  post: '[please|for me|for me please|now|right now|thanks|thank you|please thanks|please thank you|please and thank you|thanks a lot|currently|at the moment]',
  the: '(the|my|our|your|this|these|those)',
  all: '(all [of] [the|my|our]|each [and every] [single]|every [single]|any|both [the]|the whole|the entire)',
  det: '[<all>] [<the>]',
  in: '(in|on|at|inside|of|for|from|within|throughout|across|around)',
  place: '[<the>] {place}',
  inplace: '[<in>] [<the>|<all>] {place}',
  // two or three places in one sentence: "the kitchen and the bedroom", "kitchen, office and garage"
  and: '(and|&|plus|as well as|and also|and in|and on)',
  places: '[<the>] {place} [,] [[<the>] {place} [,]] <and> [<the>] {place}',
  inplaces: '[<in>] [<the>|<all>] {place} [,] [[<the>] {place} [,]] <and> [<in>] [<the>] {place}',
  // Home Assistant's "here" also takes "the space", "our area": a room named by a determiner is the speaker's own
  here: '(here|in here|over here|[in] (this|the|my|our) (room|space|area|place)|in this part of the (house|home))',
  home: '(house|home|apartment|flat|place)',
  everywhere:
    '(everywhere|anywhere|all over [[<in>] (the|my|our) [whole|entire] <home>]|[<in>] (the|my|our) [whole|entire] <home>|[<in>] (every [single]|each [and every]|all [of] [the|my|our]) (room|rooms|area|areas|floor|floors))',
  lights: '(light|lights|lamp|lamps|lighting|lightbulb|lightbulbs|bulb|bulbs|house lights)',
  on_v: '(turn on|switch on|power on|power up|activate|enable|start|start up|put on|fire up|light up|illuminate|change on|bring on)',
  on_s: '(turn|switch|power|put|change|bring|get)',
  off_v:
    '(turn off|switch off|power off|deactivate|disable|shut off|shut down|kill|stop|cut|turn out|switch out|put out|change off|change out|bring off|bring out)',
  off_s: '(turn|switch|power|shut|cut|change|bring|get)',
  open_v: '(open|raise|lift|open up|roll up|pull up|raise up|lift up)',
  close_v: '(close|shut|lower|close down|roll down|pull down|draw|close up|shut down|lower down|shut up|lower up)',
  pct: '[%|percent|per cent]',
  deg: '[°|degree|degrees] [celsius|fahrenheit|c|f]',
  ltarget:
    '([<the>] {name.light} [<lights>] | <det> <place> [<lights>] | <det> <lights> <inplace> | <det> <places> [<lights>] | <det> <lights> <inplaces>)',
  bri: '({brightness} <pct>|[the] {bri_level})',
  to: '(to|at|on|up to|down to)',
  still: '(still|currently|now|right now|presently)',
  now: '(now|right now|currently|at the moment|still|presently|at present|at this moment|as we speak)',
  // "is the front door locked or unlocked", "is the light on or not": the first state is the one asked about
  ornot: '[or (not|on|off|open|opened|closed|shut|locked|unlocked|home|away|playing|paused)]',
  // how a question may start: "hey, do you know ...", "can you tell me ...", "i wonder ..."
  ask: "[please|hey|ok|okay|so|um|and] [(can|could|would|will) you [please]] [(tell me|let me know|check|see|do you know|do you happen to know|i want to know|i need to know|i would like to know|i'd like to know|i wonder|i was wondering|any idea)]",
  tellme: '<ask> [(if|whether)]',
  whatis: "(what is|what's|whats|what are|what're|tell me|give me|show me|how is|how's)",
  hr: '(hour|hours|hr|hrs)',
  min: '(minute|minutes|min|mins)',
  sec: '(second|seconds|sec|secs)',
  dur: '({hours} <hr> [[and] {minutes} <min>] [[and] {seconds} <sec>]|{an_hour} [and] {minutes} <min>|{hours} {half_hour} <hr>|{minutes} <min> [[and] {seconds} <sec>]|{minutes} {half_min} <min>|{seconds} <sec>|{dur_word})',
  sdur: '({start_hours} <hr> [[and] {start_minutes} <min>] [[and] {start_seconds} <sec>]|{start_minutes} <min> [[and] {start_seconds} <sec>]|{start_seconds} <sec>)',
  timer:
    '([the|my|our] timer|[the|my|our] {area} timer|[the|my|our] timer (in|on|for) [<the>] {area}|[the|my|our] {tname:name} timer|[the|my|our] timer (named|called|for) {tname:name}|[the|my|our] <sdur> timer|[the|my|our] timer for <sdur>)',
  timers: '([the|my|our] timers [(in|on|for) [<the>] {area}]|[the|my|our] {area} timers|[the|my|our] {tname:name} timers)',
  media:
    '(music|media|song|songs|track|tracks|playback|show|shows|tv show|tv shows|movie|video|tv|episode|podcast|audio|album|playlist|radio|media player|media players|player|players|speaker|speakers)',
  // "play", and the other ways of asking for something to be played: "i want to listen to", "let's watch", "queue up"
  playv:
    "[<pre>] [(i want|i'd like|i would like|let me|can i|could i|can we|could we) [to]|let's|let us] (play|put on|start playing|listen to|watch|stream|queue up|queue)",
  player: '[<the>] {name.media_player}',
  mtarget: '(on|in) [<the>] ({name.media_player}|{place})',
  // a player or room for commands that take no free text ("skip the song in the kitchen", "the TV next")
  ptarget: '[on|in|for] [<the>] ({name.media_player}|{place})',
  vol: '(volume|sound|volume level)',
  thing: '[(the|my|our|your)] {name}',
  // weather: what is asked about, when and where
  wnoun: '(weather|forecast|weather forecast|weather report)',
  wtime:
    '(today|now|right now|outside|tomorrow|later|tonight|at the moment|this (morning|afternoon|evening|week|weekend)|for (today|tomorrow|tonight|the weekend|the week))',
  wloc: '[over|out] (in|for|at) [<the>] {name.weather}',
  mower: '(lawn mower|lawnmower|mower|robot mower|robotic mower|mowing robot)',
  q: '(what|which)',
  // a negative question asks the same: "isn't the front door locked"
  isare: "(is|are|isn't|aren't|isnt|arent)",
};

function onoff(on: 'on' | 'off', x: string, l = ''): string[] {
  const v = on === 'on' ? '<on_v>' : '<off_v>';
  const s = on === 'on' ? '<on_s>' : '<off_s>';
  // lights go "off" or "out"
  const dir = on === 'on' ? 'on' : '(off|out)';
  return [
    `[<pre>] ${v} ${x} ${l} [<post>]`,
    `[<pre>] ${s} ${x} ${dir} ${l} [<post>]`,
    // "switch the porch light to on", "the ceiling fan to off"
    `[<pre>] ${s} ${x} ${l} [to] ${dir} [<post>]`,
    `[<pre>] ${x} ${l} [to] ${dir} [<post>]`,
    `[<pre>] ${x} ${dir} ${l} [<post>]`,
    `[<pre>] (make sure|ensure) ${x} ${l} (is|are) [turned|switched] ${dir} ${l} [<post>]`,
    // "get the ceiling fan going"
    ...(on === 'on' ? [`[<pre>] (get|set) ${x} ${l} (going|running) ${l} [<post>]`] : []),
    `[<pre>] i (want|need|would like|'d like|'d love|would love) ${x} [turned|switched] ${dir} ${l} [<post>]`,
  ];
}

function queries(dev: string, st: string): string[] {
  return [
    // "which windows are there open", "how many lights are there on upstairs"
    `<tellme> <q> [of] [<the>] [<place>] ${dev} <isare> [there] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> how many [of] [<the>] [<place>] ${dev} <isare> [there] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> (there|any) [any] [<place>] ${dev} [that are|that is] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> there <isare> any [<place>] ${dev} [that are|that is] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> there any ${st} [<place>] ${dev} [<inplace>|<everywhere>] [<now>]`,
    `<tellme> any [<place>] ${dev} ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> [<isare>] [there] (any|some) [of] [<the>] [<place>] ${dev} [<still>] ${st} [<inplace>|<everywhere>] [<now>]`,
    `<tellme> <isare> [<the>] [<place>] ${dev} [<inplace>] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> [there] (all|every [single]|each [and every]) [of] [<the>] [<place>] ${dev} [<inplace>] [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> (any|some) [of] [<the>] [<place>] ${dev} [<inplace>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> [there] (a|an|one) [<place>] ${dev} ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<tellme> <isare> [<det>] (<places> ${dev} [<still>] ${st}|${dev} <inplaces> [<still>] ${st}|${dev} [<still>] ${st} <inplaces>) [<now>]`,
    // an embedded question keeps the statement's order: "do you know if the kitchen lights are still on"
    `<ask> (if|whether) [there] <isare> (any|some) [<place>] ${dev} [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<ask> (if|whether) (any|some|all) [of] [<the>] [<place>] ${dev} [<inplace>] <isare> [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    `<ask> (if|whether) [<det>] [<place>] ${dev} [<inplace>] <isare> [<still>] ${st} [<inplace>|<everywhere>] [<now>] [<ornot>]`,
    // "did I leave the lights on?", "which lights did we leave on"
    `<tellme> (<q>|how many) [of] [<the>] [<place>] ${dev} did (i|we|you|someone|somebody|anyone|anybody) leave ${st} [<inplace>]`,
    `<tellme> did (i|we|you|someone|somebody|anyone|anybody) leave <det> [<place>] ${dev} [<inplace>] ${st} [<inplace>]`,
  ];
}

/** The sensing binary sensor classes: "on" is detected, triggered, active…; "off" is clear, not detected. */
const SENSING_CLASSES = [
  'carbon_monoxide',
  'gas',
  'motion',
  'occupancy',
  'smoke',
  'sound',
  'light',
  'tamper',
  'power',
  'problem',
  'moisture',
  'vibration',
  'heat',
  'cold',
  'plug',
  'running',
  'connectivity',
];

/** Every class whose "on" a person may call detected, triggered, active… (and "present"). */
const DETECTED_CLASSES = [
  ...SENSING_CLASSES,
  'battery',
  'safety',
  'door',
  'window',
  'opening',
  'garage_door',
  'lock',
  'update',
  'presence',
  'moving',
];

const lists: LanguagePack['lists'] = {
  dev: {
    '(light|lights|lamp|lamps|lighting|lightbulb|lightbulbs|bulb|bulbs|(house|home|apartment|flat) (light|lights|lamp|lamps|lighting))': {
      domain: 'light',
    },
    '(fan|fans|ceiling fan|ceiling fans)': { domain: 'fan', name: 'all' },
    '(switch|switches|outlet|outlets|plug|plugs|socket|sockets)': { domain: 'switch' },
    '(everything|all devices|all the devices|all appliances)': { domain: ['light', 'switch', 'fan', 'media_player'] },
  },
  fans: { '(fan|fans|ceiling fan|ceiling fans)': { domain: 'fan', name: 'all' } },
  garage: { '(garage door|garage doors|garage)': { domain: 'cover', device_class: 'garage' } },
  cover: {
    '(curtain|curtains|drape|drapes)': { domain: 'cover', device_class: 'curtain' },
    '(blind|blinds)': { domain: 'cover', device_class: 'blind' },
    '(shade|shades)': { domain: 'cover', device_class: 'shade' },
    '(window|windows)': { domain: 'cover', device_class: 'window' },
    '(shutter|shutters|roller shutter|roller shutters)': { domain: 'cover', device_class: 'shutter' },
    '(gate|gates)': { domain: 'cover', device_class: 'gate' },
    '(awning|awnings)': { domain: 'cover', device_class: 'awning' },
    '(door|doors)': { domain: 'cover', device_class: 'door' },
    '(cover|covers)': { domain: 'cover' },
  },
  onoff_dev: {
    '(light|lights|lamp|lamps|lighting)': { domain: 'light' },
    '(fan|fans)': { domain: 'fan' },
    '(switch|switches|outlet|outlets|plug|plugs)': { domain: 'switch' },
  },
  onoff_state: {
    '([turned|switched|set] on|set to on|lit|lit up|running|spinning|blowing|going|working)': { state: 'on' },
    '([turned|switched|set] off|set to off|out|dark)': { state: 'off' },
  },
  lock_dev: { '(door|doors|lock|locks|deadbolt|deadbolts)': { domain: 'lock' } },
  // what can be locked: "lock the garage door", "unlock all the windows"
  lock_thing: {
    '(door|doors|lock|locks|deadbolt|deadbolts|window|windows|gate|gates|garage door|garage doors|shutter|shutters)': { domain: 'lock' },
  },
  vacuum_state: {
    '(cleaning|vacuuming|running|working)': { state: 'cleaning' },
    '(docked|charging|at [the|its] (base|dock))': { state: 'docked' },
    '(returning|going home|heading home|going back)': { state: 'returning' },
    '(paused)': { state: 'paused' },
    '(idle|doing nothing)': { state: 'idle' },
  },
  climate_state: {
    '(heating|on heat|in heat mode|warming [up])': { state: 'heat' },
    '(cooling|on cool|in cool mode|cooling down)': { state: 'cool' },
    '(off|turned off|switched off)': { state: 'off' },
  },
  // "has John left", "has Ada got home"
  person_event: {
    '(left [home|the house]|gone out|gone)': { state: 'not_home' },
    '(arrived [home]|come home|come back|got home|gotten home|got back|gotten back)': { state: 'home' },
  },
  lock_verb: {
    '(lock|secure)': { state: 'locked' },
    '(unlock)': { state: 'unlocked' },
  },
  // lock words only, for questions about lockable things that are also covers ("are any windows unlocked")
  lock_strict: { '([securely|safely] locked)': { state: 'locked' }, unlocked: { state: 'unlocked' } },
  lock_state: {
    '([securely|safely] locked|secure|secured)': { state: 'locked' },
    '(unlocked|unsecured|not locked)': { state: 'unlocked' },
    // "open" is a lock's word only for a lock by name ("is the front door open"): "are any doors open" asks about doors
    open: { state: 'unlocked', _loose: 1 },
  },
  cover_state: {
    '(open|opened|up|raised)': { state: 'open' },
    '(closed|shut|down|lowered|drawn)': { state: 'closed' },
    '(opening)': { state: 'opening' },
    '(closing|shutting)': { state: 'closing' },
  },
  bs_dev: {
    '(battery|batteries)': { _dev: ['battery', 'battery_charging'] },
    '(carbon monoxide|carbon monoxide (sensor|sensors|detector|detectors)|co (sensor|sensors|detector|detectors))': {
      _dev: ['carbon_monoxide'],
    },
    '(motion|motion (sensor|sensors|detector|detectors)|movement)': { _dev: ['motion'] },
    '(occupancy|occupancy (sensor|sensors)|presence (sensor|sensors))': { _dev: ['occupancy'] },
    '(smoke|smoke (sensor|sensors|detector|detectors|alarm|alarms))': { _dev: ['smoke'] },
    '(gas|gas (sensor|sensors|detector|detectors))': { _dev: ['gas'] },
    '(water|leak|leaks|water leak|water leaks|flood|floods|flooding|floor|[water] (leak|leaking|flood|flooding|moisture|water) (sensor|sensors)|water (sensor|sensors)|moisture (sensor|sensors))':
      {
        _dev: ['moisture'],
      },
    '(sound|sound (sensor|sensors)|noise|noise (sensor|sensors))': { _dev: ['sound'] },
    '(opening|openings)': { _dev: ['opening'] },
    '(window|windows)': { _dev: ['window', 'opening'] },
    '(garage door|garage doors)': { _dev: ['garage_door'] },
    '(door|doors)': { _dev: ['door', 'garage_door', 'opening', 'lock'] },
    '[firmware|software] (update|updates)': { _dev: ['update'] },
    '(light|lights|light (sensor|sensors))': { _dev: ['light'] },
    '(vibration|vibration (sensor|sensors))': { _dev: ['vibration'] },
    '(power|electricity|mains|mains power|power supply)': { _dev: ['power'] },
    '(problem|problems)': { _dev: ['problem'] },
    '(thing|things|device|devices|sensor|sensors|appliance|appliances|anything|something|everything)': { _any: 1 },
  },
  bs_state: {
    '(low|low on battery|running low|battery low)': { state: 'on', _classes: ['battery'] },
    '(charged|full|fully charged)': { state: 'off', _classes: ['battery'] },
    '(no light|dark)': { state: 'off', _classes: ['light'] },
    '(charging|on [the] charger|on charge)': { state: 'on', _classes: ['battery_charging'] },
    '(not charging)': { state: 'off', _classes: ['battery_charging'] },
    '(detected|triggered|active|on|tripped|going off|sounding|ringing|beeping|alarming)': {
      state: 'on',
      _classes: DETECTED_CLASSES,
    },
    // "is anything present in the kitchen" asks whether someone is there; "is gas present" is the gas sensor
    present: {
      state: 'on',
      _anyClass: 'presence',
      _classes: DETECTED_CLASSES,
    },
    '(clear|not detected|off|inactive)': { state: 'off', _classes: SENSING_CLASSES },
    '(cold|freezing|frozen)': { state: 'on', _classes: ['cold'] },
    '(hot|overheating|overheated)': { state: 'on', _classes: ['heat'] },
    '(connected|online)': { state: 'on', _classes: ['connectivity'] },
    '(disconnected|offline)': { state: 'off', _classes: ['connectivity'] },
    '(open|opened|ajar)': { state: 'on', _classes: ['door', 'window', 'opening', 'garage_door'] },
    '(closed|shut)': { state: 'off', _classes: ['door', 'window', 'opening', 'garage_door'] },
    '(unlocked)': { state: 'on', _classes: ['lock'] },
    '(locked)': { state: 'off', _classes: ['lock'] },
    '(wet|leaking|flooded|flooding)': { state: 'on', _classes: ['moisture'] },
    '(dry)': { state: 'off', _classes: ['moisture'] },
    '(occupied)': { state: 'on', _classes: ['occupancy'] },
    '(unoccupied|empty|vacant)': { state: 'off', _classes: ['occupancy'] },
    '(plugged in|connected to power)': { state: 'on', _classes: ['plug'] },
    '(unplugged|not plugged in)': { state: 'off', _classes: ['plug'] },
    '(powered|powered on|power detected|receiving power)': { state: 'on', _classes: ['power'] },
    '(not powered|powered off|without power)': { state: 'off', _classes: ['power'] },
    '(home|at home)': { state: 'on', _classes: ['presence'] },
    '(away|gone|not home|not at home|absent|not present)': { state: 'off', _classes: ['presence'] },
    '(running|working|on)': { state: 'on', _classes: ['running'] },
    '(not running|done|finished|stopped)': { state: 'off', _classes: ['running'] },
    '(safe)': { state: 'off', _classes: ['safety'] },
    '(unsafe|not safe|dangerous)': { state: 'on', _classes: ['safety'] },
    '(tampered|tampered with)': { state: 'on', _classes: ['tamper'] },
    '(available|update available|out of date|outdated)': { state: 'on', _classes: ['update'] },
    '(up to date|updated|current)': { state: 'off', _classes: ['update'] },
    '(vibrating|shaking)': { state: 'on', _classes: ['vibration'] },
    '(not vibrating|still)': { state: 'off', _classes: ['vibration'] },
    '(moving)': { state: 'on', _classes: ['moving'] },
    '(ok|okay|fine|normal)': { state: 'off', _classes: ['problem', 'battery', 'cold', 'heat'] },
    '(having a problem|having problems|broken|faulty)': { state: 'on', _classes: ['problem'] },
  },
  media_state: {
    '(playing|playing something|on)': { state: 'playing' },
    '(paused|on pause)': { state: 'paused' },
    '(idle|doing nothing|not playing)': { state: 'idle' },
  },
  person_state: {
    '(home|at home|in the house|here|around|home yet|back [home] [yet])': { state: 'home' },
    '(away|out|not home|not at home|gone|out of the house|out and about|not back [yet])': { state: 'not_home' },
  },
  people: { '(people|persons|everyone|everybody|anyone|anybody|someone|somebody|person|family members)': { domain: 'person' } },
  bri_level: {
    '(max|maximum|highest|full|brightest|the brightest|full brightness|max brightness|maximum brightness|as bright as (possible|it goes|it can go))':
      {
        brightness: 100,
      },
    '(min|minimum|lowest|dimmest|the dimmest|lowest brightness|minimum brightness|as dim as (possible|it goes|it can go))': {
      brightness: 1,
    },
  },
  // "how big", "how loud": the quantity a question about a device's reading asks for
  how_adj: {
    '(big|large|small)': { _q: 'size data' },
    '(loud|noisy|quiet)': { _q: 'sound pressure' },
    '(fast|slow)': { _q: 'speed rate' },
    '(heavy|light)': { _q: 'weight' },
    '(far)': { _q: 'distance' },
    '(long)': { _q: 'duration' },
    '(hot|warm|cold|cool)': { _q: 'temperature' },
    '(humid|damp|dry)': { _q: 'humidity' },
    '(bright|dark)': { _q: 'illuminance' },
    '(strong|weak)': { _q: 'signal strength' },
  },
  // what a sensor measures, for questions that name no sensor
  sensor_class: {
    '(humidity|humidity level|relative humidity|moisture level)': { device_class: 'humidity' },
    '(air quality|air quality index|aqi)': { device_class: 'aqi' },
    '(air|atmospheric|barometric) pressure': { device_class: 'atmospheric_pressure' },
    '(co2|carbon dioxide) [level|concentration]': { device_class: 'carbon_dioxide' },
    '(illuminance|light level|lux)': { device_class: 'illuminance' },
    '(pm2.5|pm 2.5|fine dust|fine particle|fine particles) [level|concentration]': { device_class: 'pm25' },
    '(pm10|pm 10) [level|concentration]': { device_class: 'pm10' },
    '(power|power usage|power consumption|power draw|electricity usage)': { device_class: 'power' },
    '(energy|energy usage|energy consumption|energy production)': { device_class: 'energy' },
    '(noise|noise level|sound level|sound pressure)': { device_class: 'sound_pressure' },
    '(wind|wind speed)': { device_class: 'wind_speed' },
    '(rain|rainfall|precipitation)': { device_class: 'precipitation' },
    '(voltage)': { device_class: 'voltage' },
    '(ozone|ozone level)': { device_class: 'ozone' },
    // the rest of Home Assistant's sensor classes, in the words of its own sentences
    'apparent power': { device_class: 'apparent_power' },
    '(reactive power)': { device_class: 'reactive_power' },
    'power factor': { device_class: 'power_factor' },
    '[electric|electrical] current [draw]': { device_class: 'current' },
    '(download|upload|data) (rate|speed)': { device_class: 'data_rate' },
    '(data size|amount of data)': { device_class: 'data_size' },
    '(distance|mileage)': { device_class: 'distance' },
    '(frequency)': { device_class: 'frequency' },
    '(stored energy|energy storage|energy stored)': { device_class: 'energy_storage' },
    '(gas usage|gas consumption|gas volume)': { device_class: 'gas' },
    '(irradiance|radiation level|solar radiation)': { device_class: 'irradiance' },
    '(nitrogen dioxide|no2) [level|concentration]': { device_class: 'nitrogen_dioxide' },
    '(nitrous oxide|n2o) [level|concentration]': { device_class: 'nitrous_oxide' },
    '(sulphur dioxide|sulfur dioxide|so2) [level|concentration]': { device_class: 'sulphur_dioxide' },
    '(pm1|pm 1) [level|concentration]': { device_class: 'pm1' },
    '(tyre pressure|tire pressure)': { device_class: 'pressure' },
    '(signal|signal strength|signal level|reception)': { device_class: 'signal_strength' },
    '(speed|velocity)': { device_class: 'speed' },
    '(voc|vocs|volatile organic compounds) [level|concentration]': { device_class: 'volatile_organic_compounds' },
    '(water usage|water consumption)': { device_class: 'water' },
    '(weight)': { device_class: 'weight' },
  },
  color: {
    red: 'red',
    orange: 'orange',
    yellow: 'yellow',
    green: 'green',
    blue: 'blue',
    purple: 'purple',
    pink: 'pink',
    white: 'white',
    brown: 'brown',
    cyan: 'cyan',
    magenta: 'magenta',
    violet: 'violet',
    gold: 'gold',
    indigo: 'indigo',
    turquoise: 'turquoise',
    teal: 'teal',
    lime: 'lime',
    navy: 'navy',
    lavender: 'lavender',
    'warm white': 'warm white',
    'cool white': 'cool white',
    amber: 'amber',
    black: 'black',
  },
  media_class: {
    '(track|song|tune)': 'track',
    '(album|record)': 'album',
    '(artist|band|singer)': 'artist',
    '(playlist|play list)': 'playlist',
    '(podcast|podcasts)': 'podcast',
    '(movie|film)': 'movie',
    '(tv show|show|series|tv series)': 'tv_show',
    '(radio|radio station|station)': 'channel',
    '(audiobook|audio book|book)': 'book',
    '(episode)': 'episode',
  },
  half_hour: { 'and [a] (half|1/2)': { minutes: 30 } },
  an_hour: { '(an|one|a) hour': { hours: 1 } },
  half_min: { 'and [a] (half|1/2)': { seconds: 30 } },
  dur_word: {
    '(an|one|a) hour': { hours: 1 },
    '(half|1/2) (an|a) (hour|hours)|half hour|a half hour|half of an hour': { minutes: 30 },
    '(an|one|a) hour and a half': { hours: 1, minutes: 30 },
    '(a|one) minute': { minutes: 1 },
    '(half|1/2) a (minute|minutes)|half minute|a half minute': { seconds: 30 },
    '(a|one) minute and a half': { minutes: 1, seconds: 30 },
    '(a quarter of an hour|quarter of an hour|quarter hour|a quarter hour)': { minutes: 15 },
  },
  onoff: {
    '(on|enable|enabled|activate|start|turn on|switch on)': 'on',
    '(off|disable|disabled|deactivate|stop|turn off|switch off|end)': 'off',
  },
  mode: {
    '(home|at home|normal|day|house)': 'home',
    '(away|out|vacation|holiday|leaving)': 'away',
    '(night|sleep|sleeping|bedtime|good night)': 'night',
  },
};

// Scores: entity-name tokens 1.4, areas 1.2, list words 1.1, plain words 1, wildcard tokens 0.3.
const groups: IntentGroup[] = [
  // ---- on / off ---------------------------------------------------------------------------------------
  // "turn on all the fans" said in a room is that room's fans (Home Assistant's fans; all the lights are the home's)
  { intent: 'HassTurnOn', context: true, templates: onoff('on', '(every|each [and every]|all [the|my|our]) [single] [<the>] {fans}') },
  { intent: 'HassTurnOff', context: true, templates: onoff('off', '(every|each [and every]|all [the|my|our]) [single] [<the>] {fans}') },
  {
    intent: 'HassTurnOn',
    slots: {},
    templates: [
      ...onoff('on', '<det> {dev}', '<everywhere>'),
      ...onoff('on', '(every|each [and every]|all [the|my|our]|both [the]) [single] [<the>] {dev}'),
      {
        t: '[<pre>] (light up|illuminate) (<everywhere> [<everywhere>]|<all> [the|my] (room|rooms|area|areas) [<everywhere>]|[the|my] (rooms|areas) [<everywhere>]|the (whole|entire) <home>|[the|my] <home>)',
        slots: { domain: 'light' },
      },
    ],
  },
  {
    intent: 'HassTurnOff',
    templates: [
      ...onoff('off', '<det> {dev}', '<everywhere>'),
      ...onoff('off', '(every|each [and every]|all [the|my|our]|both [the]) [single] [<the>] {dev}'),
    ],
  },
  {
    intent: 'HassTurnOn',
    templates: [
      ...onoff('on', '<det> <place> {dev}'),
      ...onoff('on', '<det> {dev}', '<inplace>'),
      { t: '[<pre>] (light up|illuminate|brighten up) <place> [<post>]', slots: { domain: 'light' } },
      // asking for light rather than for a device: "i need some light in the kitchen"
      { t: '[<pre>] (i|we) (need|want|could use|would like) [some|more] (light|lights) <inplace> [<post>]', slots: { domain: 'light' } },
      { t: '[<pre>] (light|brighten) [up] <place> up [<post>]', slots: { domain: 'light' } },
    ],
  },
  { intent: 'HassTurnOff', templates: [...onoff('off', '<det> <place> {dev}'), ...onoff('off', '<det> {dev}', '<inplace>')] },
  {
    intent: 'HassTurnOn',
    templates: [...onoff('on', '<det> <places> {dev}'), ...onoff('on', '<det> {dev}', '<inplaces>')],
  },
  {
    intent: 'HassTurnOff',
    templates: [...onoff('off', '<det> <places> {dev}'), ...onoff('off', '<det> {dev}', '<inplaces>')],
  },
  {
    intent: 'HassTurnOn',
    context: true,
    templates: [
      ...onoff('on', '<det> {dev}', '[<here>]'),
      { t: '[<pre>] light (up [<here>]|(it|<here>) up) [<post>]', slots: { domain: 'light' } },
      { t: '[<pre>] (i|we) (need|want|could use|would like) [some|more] (light|lights) [<here>] [<post>]', slots: { domain: 'light' } },
    ],
  },
  { intent: 'HassTurnOff', context: true, templates: [...onoff('off', '<det> {dev}', '[<here>]')] },
  // by name (optionally "in the <area>"), with an optional trailing kind word
  {
    intent: 'HassTurnOn',
    check: domainCheck(...SWITCHABLE),
    templates: [
      // A trailing kind word must agree with the entity: "the living room lights" is not the "Living Room" speaker.
      ...onoff('on', '[<the>] [{place} [<the>]] {name} [scene|script|mode]', '[<inplace>]'),
      ...onoff('on', '[<the>] [{place} [<the>]] {name.light} <lights>', '[<inplace>]'),
      ...onoff('on', '[<the>] [{place} [<the>]] {name.switch+light+fan} switch', '[<inplace>]'),
      ...onoff('on', '[<the>] [{place} [<the>]] {name.fan} fan', '[<inplace>]'),
      '[<pre>] (set|change|switch|put) [the] <place> to [the] {name.scene} [scene|mode] [<post>]',
      '[<pre>] (activate|run|start|trigger|set|launch|execute|play|turn on|turn) [<the>] {name.scene+script} [scene|script|routine|mode] [<inplace>] [<post>]',
      '[<pre>] (change|switch|transition|go) to [scene] [<the>] {name.scene} [scene] [<post>]',
      '[<pre>] {name.scene+script} [scene|script] (on|go|now|please)',
    ],
  },
  // A name said alone runs or switches it on: the reading of last resort, so a sentence that means something as a
  // whole ("good night" beside a script called Good Night) is read that way first.
  {
    intent: 'HassTurnOn',
    check: domainCheck(...SWITCHABLE),
    bonus: -1.5,
    templates: [
      '[<the>] {name.scene+script} [scene|script]',
      '{name.scene} [scene]',
      // for the things that have an obvious "on": "the ceiling fan"
      '[<the>] {name.light+switch+fan+media_player+input_boolean} [please]',
    ],
  },
  {
    intent: 'HassTurnOff',
    check: domainCheck(...SWITCHABLE),
    templates: [
      ...onoff('off', '[<the>] [{place} [<the>]] {name} [script|mode]', '[<inplace>]'),
      ...onoff('off', '[<the>] [{place} [<the>]] {name.light} <lights>', '[<inplace>]'),
      ...onoff('off', '[<the>] [{place} [<the>]] {name.switch+light+fan} switch', '[<inplace>]'),
      ...onoff('off', '[<the>] [{place} [<the>]] {name.fan} fan', '[<inplace>]'),
    ],
  },
  {
    intent: 'HassToggle',
    check: domainCheck(...SWITCHABLE),
    templates: [
      '[<pre>] (toggle|flip|switch) [<the>] [{area}] {name} [<inplace>] [<post>]',
      '[<pre>] (toggle|flip) <det> <place> {dev} [<post>]',
      '[<pre>] (toggle|flip) <det> {dev} <inplace> [<post>]',
    ],
  },
  { intent: 'HassToggle', context: true, templates: ['[<pre>] (toggle|flip) <det> {dev} [<here>] [<post>]'] },

  // ---- covers, valves, locks -------------------------------------------------------------------------
  {
    intent: 'HassTurnOn',
    templates: [
      '[<pre>] <open_v> <det> <place> ({cover}|{garage}) [<post>]',
      '[<pre>] <open_v> <det> ({cover}|{garage}) <inplace> [<post>]',
      '[<pre>] <open_v> <det> {cover} <everywhere> [<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    templates: [
      '[<pre>] <close_v> <det> <place> ({cover}|{garage}) [<post>]',
      '[<pre>] <close_v> <det> ({cover}|{garage}) <inplace> [<post>]',
      '[<pre>] <close_v> <det> {cover} <everywhere> [<post>]',
    ],
  },
  {
    intent: 'HassTurnOn',
    templates: ['[<pre>] <open_v> <det> <places> {cover} [<post>]', '[<pre>] <open_v> <det> {cover} <inplaces> [<post>]'],
  },
  {
    intent: 'HassTurnOff',
    templates: ['[<pre>] <close_v> <det> <places> {cover} [<post>]', '[<pre>] <close_v> <det> {cover} <inplaces> [<post>]'],
  },
  { intent: 'HassTurnOn', context: true, templates: ['[<pre>] <open_v> <det> {cover} [<here>] [<post>]'] },
  {
    intent: 'HassSetPosition',
    context: true,
    slots: { position: 50 },
    templates: [
      '[<pre>] (open|close|raise|lower|set|move|put) <det> {cover} [<here>] (halfway|half way|half open|halfway open|to half|to the middle) [<here>] [<post>]',
    ],
  },
  { intent: 'HassTurnOn', bonus: 1, context: true, templates: ['[<pre>] <open_v> <det> {garage} [<here>] [<post>]'] },
  { intent: 'HassTurnOff', bonus: 1, context: true, templates: ['[<pre>] <close_v> <det> {garage} [<here>] [<post>]'] },
  { intent: 'HassTurnOff', context: true, templates: ['[<pre>] <close_v> <det> {cover} [<here>] [<post>]'] },
  {
    intent: 'HassTurnOn',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>] <open_v> [<the>] {name.cover+valve} [<inplace>] [<post>]'],
  },
  {
    intent: 'HassTurnOff',
    check: domainCheck('cover', 'valve'),
    templates: ['[<pre>] <close_v> [<the>] {name.cover+valve} [<inplace>] [<post>]'],
  },
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    templates: ['[<pre>] (lock|secure) [up] [<the>] {name.lock} [up] [<inplace>] [<post>]'],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock' },
    templates: ['[<pre>] (unlock|unsecure|unbolt) [<the>] {name.lock} [<inplace>] [<post>]'],
  },
  {
    intent: 'HassTurnOn',
    slots: { domain: 'lock' },
    templates: [
      '[<pre>] (lock|secure) <det> [<place> [<the>]] {lock_thing} [<inplace>|<everywhere>] [<post>]',
      '[<pre>] (lock|secure) (up|down) [the] (<place>|<home>) [<post>]',
      '[<pre>] (lock|secure) (up|everything|it all|all of them) [<everywhere>] [<post>]',
      // a room locked whole: "lock all the entrance", "lock everything in the garage"
      '[<pre>] (lock|secure) <det> <place> [<post>]',
      '[<pre>] (lock|secure) (everything|all) <inplace> [<post>]',
    ],
  },
  {
    intent: 'HassTurnOff',
    slots: { domain: 'lock', name: 'all' },
    templates: [
      '[<pre>] (unlock|unbolt) <det> [<place> [<the>]] {lock_thing} [<inplace>|<everywhere>] [<post>]',
      '[<pre>] unlock <det> <place> [<post>]',
      '[<pre>] unlock (everything|all) <inplace> [<post>]',
    ],
  },
  {
    intent: 'HassSetPosition',
    templates: [
      '[<pre>] (set|open|close|shut|move|change|adjust|put|raise|lift|lower|increase|decrease|turn) [up|down] [<the>] {name.cover+valve} [position] to {position} <pct> [<post>]',
      '[<pre>] (set|change|adjust) [the] position of [the] {name.cover+valve} to {position} <pct> [<post>]',
      '[<pre>] {name.cover+valve} [position] [to] {position} <pct>',
      '[<pre>] (set|move|put|leave) [the] {name.cover+valve} at {position} <pct> [<post>]',
      {
        t: '[<pre>] (open|close|raise|lower|set|move|put) [the] {name.cover+valve} [<inplace>] (halfway|half way|half open|halfway open|to half|to the middle) [<post>]',
        slots: { position: 50 },
      },
    ],
    check: domainCheck('cover', 'valve'),
  },
  {
    intent: 'HassSetPosition',
    templates: [
      '[<pre>] (set|open|close|move|change|adjust|put|raise|lower) <det> <place> {cover} [position] to {position} <pct> [<post>]',
      '[<pre>] (set|open|close|move|change|adjust|put|raise|lower) <det> {cover} <inplace> [position] to {position} <pct> [<post>]',
      '[<pre>] (set|change|adjust|put|turn|move|make|increase|decrease|<open_v>|<close_v>) [up|down] <det> <place> ({cover}|{garage}) [position] to {position} <pct> [<post>]',
      '[<pre>] (set|change|adjust|put|turn|move|make|increase|decrease|<open_v>|<close_v>) [up|down] <det> ({cover}|{garage}) [position] (<inplace> [position] to {position} <pct>|to {position} <pct> <inplace>) [<post>]',
      '[<pre>] (set|open|close|move|change|adjust|put|raise|lower) <det> {cover} [position] to {position} <pct> <inplace> [<post>]',
      {
        t: '[<pre>] (open|close|raise|lower|set|move|put) <det> <place> {cover} (halfway|half way|half open|halfway open|to half|to the middle) [<post>]',
        slots: { position: 50 },
      },
      {
        t: '[<pre>] (open|close|raise|lower|set|move|put) <det> {cover} <inplace> (halfway|half way|half open|halfway open|to half|to the middle) [<post>]',
        slots: { position: 50 },
      },
    ],
  },
  {
    intent: 'HassSetPosition',
    context: true,
    templates: [
      '[<pre>] (set|<open_v>|<close_v>|move|change|adjust|put|increase|decrease|turn) [up|down] <det> ({cover}|{garage}) [<here>] [position] [<here>] to {position} <pct> [<here>] [<post>]',
    ],
  },

  // ---- lights -----------------------------------------------------------------------------------------
  // a room turned up or down to a level with nothing else said is its volume, as Home Assistant has it ("turn the
  // kitchen down to 20"); "turn up the kitchen to 60" and "turn the kitchen lights up to 60" are its lights
  {
    intent: 'HassSetVolume',
    templates: [
      '[<pre>] turn <place> (up|down) to {volume_level} <pct> [<post>]',
      '[<pre>] turn (up|down) to {volume_level} <pct> <inplace> [<post>]',
    ],
  },
  {
    intent: 'HassLightSet',
    templates: [
      // "to" and "of" may go unsaid: "set the brightness of the porch light 40", "make the desk lamp 60 brightness"
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|make|put|dim|brighten|bring) [the] (brightness|brightness level|level) [(of|for|in|on)] <ltarget> [<to>] <bri> [<post>]',
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|dim|brighten|bring|put|make) <ltarget> [brightness] [<to>] <bri> [brightness] [<post>]',
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|dim|brighten|bring|put|make) <ltarget> (brightness|light level) <to> <bri> [<post>]',
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|put|make) <ltarget> to [the] {bri_level} brightness [<post>]',
      '<ltarget> [brightness] [<to>] <bri> [brightness]',
      '[the] brightness [of|in|for] <ltarget> [<to>] <bri>',
      '<ltarget> {bri_level} brightness',
      '[<pre>] (make|set|turn|put) <ltarget> [brightness] [to] [the] {bri_level} [<post>]',
      '[<pre>] [set] [the] (brightness|light level) [<to>] <bri> <inplace> [<post>]',
      '[<pre>] (dim|brighten) <ltarget> <to> <bri> [<post>]',
    ],
  },
  {
    intent: 'HassLightSet',
    context: true,
    templates: [
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|make|put|bring) [the] (brightness|brightness level|light level|lights) [<here>] <to> <bri> [brightness] [<here>] [<post>]',
      '[<pre>] (set|change|turn up|turn down|turn|adjust|increase|decrease|raise|lower|make|put|bring) <det> (lights|light|lamps) [<here>] <to> <bri> [brightness] [<here>] [<post>]',
      '[<pre>] (dim|brighten) <det> (lights|light|lamps) [<here>] <to> <bri> [<here>] [<post>]',
      '[<pre>] [set] [the] brightness [<to>] <bri> [<here>] [<post>]',
      '[<pre>] [(set|change|turn|adjust|increase|decrease|raise|lower|make|put|bring)] [the] brightness [of <det> <lights>] [<here>] [<to>] <bri> [<here>] [<post>]',
    ],
  },
  {
    intent: 'HassLightSet',
    templates: [
      // the verb may go unsaid: "bedroom lamp to red", "the colour of the porch light to blue"
      '[<pre>] [(set|change|turn|make|paint)] <ltarget> [color|colour] [<to>] {color} [<post>]',
      '[<pre>] [(set|change|turn|make)] [the] (color|colour) (of|for|in|on) <ltarget> [<to>] {color} [<post>]',
      '[<pre>] (set|change|turn|make) <ltarget> (color|colour|colors|colours) <to> {color} [<post>]',
      '<ltarget> (color|colour) {color}',
    ],
  },
  {
    intent: 'HassLightSet',
    context: true,
    templates: [
      '[<pre>] (set|change|turn|make) <det> (lights|light|lamps|lamp) [<here>] [color|colour] [<to>] {color} [<here>] [<post>]',
      '[<pre>] (set|change|turn|make) [the] (color|colour) [of the lights] [<here>] <to> {color} [<here>] [<post>]',
      '[<pre>] [set|change|turn|make] [the] (color|colour) of <det> <lights> [<here>] <to> {color} [<here>] [<post>]',
      // "to" may go unsaid, and so may the verb: "change colour of the light purple", "lights to blue"
      '[<pre>] [(set|change|turn|make)] [the] (color|colour) [of <det> <lights>] [<here>] [<to>] {color} [<here>] [<post>]',
      '[<pre>] [(set|change|turn|make)] <det> <lights> [<here>] [color|colour] [<to>] {color} [<here>] [<post>]',
    ],
  },

  // ---- climate ----------------------------------------------------------------------------------------
  {
    intent: 'HassClimateGetTemperature',
    context: true,
    templates: [
      '<ask> <whatis> [<the>] [current] (temperature|temp) [<here>] [<post>]',
      '<ask> how (warm|hot|cold|cool) is it [<here>|inside|indoors|in the house] [<post>]',
      '<ask> (what|which) (temperature|temp) is it [<here>|inside|indoors|in the house] [<now>]',
    ],
  },
  {
    intent: 'HassClimateGetTemperature',
    templates: [
      '<ask> <whatis> [<the>] [current] (temperature|temp) <inplace> [<post>]',
      '<ask> <whatis> [<the>] [current] (temperature|temp) (of|on|in|for|from) [<the>] {name.climate} [<post>]',
      '<ask> <whatis> [<the>] (<place>|{name.climate}) [current] (temperature|temp) [<post>]',
      '<ask> how (warm|hot|cold|cool) is it <inplace> [<post>]',
      '<ask> (what|which) (temperature|temp) is it <inplace> [<now>]',
      '<ask> how (warm|hot|cold|cool) is [the] (<place>|{name.climate}) [<post>]',
      // embedded: "could you tell me what the temperature is in the kitchen"
      '<ask> (what|how warm) the [current] (temperature|temp) is [<now>] <inplace> [<now>] [<post>]',
      '<ask> (what|how warm) the [current] (temperature|temp) (of|on|in) [<the>] {name.climate} is [<now>] [<post>]',
      "<ask> (what is|what's) [<the>] {name.climate} (set to|at) [<post>]",
    ],
  },
  // Home Assistant asks the temperature of any device by name ("how hot is the washer"); a temperature sensor's reading
  // stays a sensor question, and the weather has its own
  {
    intent: 'HassClimateGetTemperature',
    check: (d, home) => {
      if (!d.entities) return true;
      d.entities = d.entities.filter((id) => {
        const e = home.entity(id);
        return e && e.domain !== 'weather' && !(e.domain === 'sensor' && e.device_class === 'temperature');
      });
      return d.entities.length > 0;
    },
    templates: [
      '<ask> <whatis> [<the>] [current] (temperature|temp) [(of|on|in|for|from|at)] [<the>] {name} [<now>]',
      '<ask> <whatis> [<the>] {name} [current] (temperature|temp) [<now>]',
      '<ask> how (warm|hot|cold|cool) is [<the>] {name} [<now>]',
    ],
  },
  {
    intent: 'HassClimateSetTemperature',
    context: true,
    templates: [
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [the] (temperature|temp|thermostat|heat|heating|ac|air conditioning) [<here>] to {temperature} <deg> [<here>] [<post>]',
      '[<pre>] (turn|put|bring) (up|down) [the] (temperature|temp|heat|heating|thermostat) to {temperature} <deg> [<here>] [<post>]',
      '[<pre>] (make it|heat it to|cool it to) {temperature} <deg> [<here>] [<post>]',
      '[<pre>] (turn|put|bring) [the] (temperature|temp|heat|heating|thermostat|ac|air conditioning) (up|down) to {temperature} <deg> [<here>] [<post>]',
    ],
  },
  {
    intent: 'HassClimateSetTemperature',
    templates: [
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [the] (temperature|temp|thermostat|heat|heating) <inplace> to {temperature} <deg> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] <place> [temperature|temp|thermostat|heat|heating] to {temperature} <deg> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [the] (temperature|temp|heat|heating) to {temperature} <deg> <inplace> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [<the>] {name.climate} [temperature|temp] to {temperature} <deg> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [the] (temperature|temp|heat|heating) (of|for|on|in) [<the>] {name.climate} to {temperature} <deg> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] [the] (temperature|temp|heat|heating) (in|on|for|of) <place> floor to {temperature} <deg> [<post>]',
      '[<pre>] (set|change|make|turn|adjust|put|increase|decrease|raise|lower|bring|crank|bump|push) [up|down] <place> floor (temperature|temp|heat|heating) to {temperature} <deg> [<post>]',
      '[<pre>] (make it|heat it to|cool it to|heat it up to|cool it down to) {temperature} <deg> <inplace> [<post>]',
      '[<pre>] (make|heat|cool) <place> [up|down] to {temperature} <deg> [<post>]',
    ],
  },

  // ---- state questions ----------------------------------------------------------------------------------
  {
    intent: 'HassGetState',
    templates: [
      ...queries('{onoff_dev}', '{onoff_state}'),
      ...queries('{lock_dev}', '{lock_state}'),
      '<tellme> ((is|are) [there]|do (i|we) have) (any|some) [of] [<the>] [<place>] {lock_thing} [<now>] {lock_strict} [<inplace>] [<now>]',
      '<tellme> ((is|are) [there]|do (i|we) have) (any|some) [<now>] {lock_strict} [<the>] {lock_thing} [<inplace>] [<now>]',
      '<tellme> (is|are) (all|every|each) [of] [<the>] [<place>] {lock_thing} [<now>] {lock_strict} [<inplace>] [<now>]',
      '<tellme> (which|what|how many) [of] [<the>] [<place>] {lock_thing} (is|are) [<now>] {lock_strict} [<inplace>] [<now>]',
      ...queries('{cover}', '{cover_state}'),
      // Home Assistant's short question, with no verb: "all the windows closed?", "every blind down in the bedroom"
      '<tellme> (all|every [single]|each [and every]) [of] [<the>] [<place>] ({cover}|{garage}) [<inplace>] {cover_state} [<inplace>|<everywhere>] [<now>]',
      ...queries('{people}', '{person_state}'),
      '<tellme> <isare> {people} [<still>] {person_state}',
      { t: "<tellme> who (is|are|all is|'s) [still] {person_state} [<now>] [<ornot>]", slots: { domain: 'person' } },
      // other places people are: "is Ada at work", "who is at work"
      { t: '<tellme> <isare> [<the>] {name.person} [still] [<in>] [the] {zone:state} [<now>]', slots: { domain: 'person' } },
      { t: "<tellme> (who|which people) (is|are|all is|'s) [still] [<in>] [the] {zone:state} [<now>]", slots: { domain: 'person' } },
      {
        t: '<tellme> <isare> (anyone|anybody|someone|somebody|everyone|everybody) [still] [<in>] [the] {zone:state} [<now>]',
        slots: { domain: 'person' },
      },
      { t: '<tellme> how many (people|persons) are [still] [<in>] [the] {zone:state} [<now>]', slots: { domain: 'person' } },
      {
        t: '<tellme> <isare> (anyone|anybody|someone|somebody|everyone|everybody) [still] {person_state} [<now>] [<ornot>]',
        slots: { domain: 'person' },
      },
    ],
    // doors that are "open" stand open (covers, contact sensors): of a lock only its own words are asked here, "locked",
    // "unlocked", also about a room that has no lock ("are any gates unlocked in the guest room")
    check: (d) => !(d.slots.domain === 'lock' && d.slots._loose),
  },
  {
    intent: 'HassGetState',
    check: binarySensorCheck,
    templates: [
      ...queries('{bs_dev}', '{bs_state}'),
      { t: '<tellme> <isare> there [any] {bs_dev} [detected] [<inplace>] [<now>]', slots: { state: 'on' } },
      '<tellme> <isare> [<the>] {bs_dev} [<inplace>] [<still>] {bs_state} [<inplace>] [<now>]',
      '<tellme> <isare> any {bs_dev} {bs_state} [<inplace>] [<now>]',
      "<tellme> (<isare>|does) [<the>] {name.binary_sensor} ['s] [{bs_dev}] [<still>] {bs_state} [<inplace>] [<now>]",
      '<tellme> <isare> [<the>] {name.binary_sensor} [{bs_dev}] <inplace> [<still>] {bs_state} [<now>] [<ornot>]',
      '<ask> (if|whether) [<the>] {name.binary_sensor} [{bs_dev}] (is|are) [<still>] {bs_state} [<inplace>] [<now>]',
      // "has motion been detected in the garage", "has the smoke alarm been triggered"
      {
        t: '<tellme> (has|have) [there been] [any] {bs_dev} been (detected|triggered|seen|spotted) [<inplace>] [<now>]',
        slots: { state: 'on' },
      },
      '<tellme> (has|have) [<the>] {name.binary_sensor} [{bs_dev}] been {bs_state} [<inplace>] [<now>]',
      {
        t: '<tellme> (has|have) [<the>] ({name.binary_sensor}|{bs_dev}) [<inplace>] been (detected|triggered|tripped|activated) [<now>]',
        slots: { state: 'on' },
      },
      // "does my phone have an update", "is there an update for the phone"
      {
        t: '<tellme> (does|do) [<the>] {name.binary_sensor} (have|need) (an|any|a) [firmware|software] (update|updates) [available|waiting|pending] [<now>]',
        slots: { state: 'on', _classes: ['update'] },
      },
      {
        t: '<tellme> <isare> there (an|any|a) [firmware|software] (update|updates) [available] (for|on) [<the>] {name.binary_sensor} [<now>]',
        slots: { state: 'on', _classes: ['update'] },
      },
      '<tellme> <isare> [<the>] <place> {bs_state} [<now>] [<ornot>]',
      { t: '<tellme> <isare> [there] (any|a|an|some) {bs_dev} [detected|present] [<inplace>] [<now>]', slots: { state: 'on' } },
      { t: '<tellme> <isare> [there] [any|a|an|some] {bs_dev} [detected|present] <inplace> [<now>]', slots: { state: 'on' } },
      { t: '<tellme> <isare> [there] [any|a|an|some] {bs_dev} (detected|present) [<now>]', slots: { state: 'on' } },
      {
        t: '<tellme> <isare> [there] [any|a|an|some] (problem|problems|issue|issues|trouble|fault) with [<the>] ({name.binary_sensor}|{bs_dev}) [<inplace>] [<now>]',
        slots: { state: 'on', _classes: ['problem'] },
      },
      { t: '<tellme> <isare> [there] any {bs_dev} [available] [<inplace>] [<now>]', slots: { state: 'on' } },
      {
        t: '<tellme> (does|do) [<the>] {name.binary_sensor} have (a|an|any) (problem|problems|issue|issues|fault|faults) [<now>]',
        slots: { state: 'on', _classes: ['problem'] },
      },
      { t: '<tellme> any {bs_dev} [detected] <inplace> [<now>]', slots: { state: 'on' } },
      { t: '<tellme> (what|which|how many) {bs_dev} (is|are) (there|available) [<inplace>] [<now>]', slots: { state: 'on' } },
      { t: '<tellme> is it (wet|flooded|leaking) [<inplace>] [<now>]', slots: { state: 'on', _classes: ['moisture'] } },
      { t: '<tellme> is it dry [<inplace>] [<now>]', slots: { state: 'off', _classes: ['moisture'] } },
      {
        t: '<tellme> <isare> [there] (someone|somebody|anyone|anybody|people) <inplace> [<now>]',
        slots: { state: 'on', _classes: ['occupancy', 'motion', 'presence'] },
      },
    ],
  },
  {
    intent: 'HassGetState',
    templates: [
      '<tellme> <isare> [<the>] {name.lock} [<now>] {lock_state} [<inplace>] [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.cover+valve} [<now>] {cover_state} [<inplace>] [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.light+switch+fan+input_boolean+media_player+climate+sensor+vacuum} [<still>] {onoff_state} [<inplace>] [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.media_player} [<still>] {media_state} [<now>] [<ornot>]',
      '<tellme> did (i|we|you|someone|somebody|anyone|anybody) leave [<the>] {name.light+switch+fan+input_boolean+media_player} {onoff_state}',
      '<tellme> did (i|we|you|someone|somebody|anyone|anybody) leave [<the>] {name.lock} {lock_state}',
      '<tellme> did (i|we|you|someone|somebody|anyone|anybody) leave [<the>] {name.cover+valve} {cover_state}',
      '<tellme> <isare> [<the>] {name.person} [<still>] {person_state} [<now>] [<ornot>]',
      // embedded questions: "tell me if the front door is locked"
      '<ask> (if|whether) [<the>] {name.lock} (is|are) [<still>] {lock_state} [<now>] [<ornot>]',
      '<ask> (if|whether) [<the>] {name.cover+valve} (is|are) [<still>] {cover_state} [<now>] [<ornot>]',
      '<ask> (if|whether) [<the>] {name.light+switch+fan+input_boolean+media_player+climate} (is|are) [<still>] {onoff_state} [<now>] [<ornot>]',
      '<ask> (if|whether) [<the>] {name.media_player} (is|are) [<still>] {media_state} [<now>] [<ornot>]',
      '<ask> (if|whether) [<the>] {name.person} (is|are) [<still>] {person_state} [<now>] [<ornot>]',
      // "did I lock the front door", "has the back door been locked"
      '<tellme> (did|have|has) (i|we|you|someone|somebody|anyone|anybody) [already] {lock_verb} [<the>] {name.lock} [<now>]',
      '<tellme> (has|have) [<the>] {name.lock} been [<still>] {lock_state} [<now>] [<ornot>]',
      // Home Assistant's plain "what is <name>" (not "show me", which is for cameras)
      "<ask> (what is|what's|whats|what are|how is|how's|how are) [<the>] {name.light+switch+fan+input_boolean+media_player+cover+valve+lock+person+vacuum+climate} [<inplace>] [<now>]",
      "<ask> (where (is|are|'s)|wheres) [<the>] {name.person+vacuum+lawn_mower} [<now>]",
      '<tellme> (has|have) [<the>] {name.person} [already|just] {person_event} [yet] [<now>]',
      '<tellme> (has|have) [<the>] {name.cover+valve} been [<still>] {cover_state} [<now>]',
      // "how far open is the bedroom curtain", "what's the position of the main valve"
      '<ask> how (open|closed|far open|far up|far down|high|low) (is|are) [<the>] {name.cover+valve} [<now>]',
      '<ask> <whatis> [the] [current] (position|level|opening) of [<the>] {name.cover+valve} [<now>]',
      "<ask> <whatis> [<the>] {name.cover+valve} ['s] [current] (position|level) [<now>]",
      // the thing named, then what kind of thing it is: "is the kitchen ceiling light on", "is the porch fan running"
      '<tellme> <isare> [<the>] {name.light} <lights> [<still>] {onoff_state} [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.switch+light+fan} switch [<still>] {onoff_state} [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.fan} fan [<still>] {onoff_state} [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.lock} (lock|door|deadbolt) [<still>] {lock_state} [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.cover} {cover} [<still>] {cover_state} [<now>] [<ornot>]',
      '<tellme> <isare> [<the>] {name.vacuum} [vacuum|robot|hoover] [<still>] {vacuum_state} [<now>] [<ornot>]',
      // "what is the washer doing", "status of the front door", "front door status"
      "<ask> what (is|are|'s) [<the>] {name} (doing|up to) [<now>]",
      // climate and players: "what mode is the thermostat in", "is the thermostat heating", "what is the TV playing"
      "<ask> (what|which) (mode|setting|state) (is|'s) [<the>] {name.climate} (in|on|set to|at) [<now>]",
      '<tellme> <isare> [<the>] {name.climate} [<still>] {climate_state} [<now>] [<ornot>]',
      "<ask> what (is|'s) [<the>] {name.media_player} (playing|showing|on) [<now>]",
      "<ask> (what is|what's|whats|is (anything|something)) (playing|on) (on|in) [<the>] {name.media_player} [<now>]",
      '[<pre>] [the] (state|status) of [<the>] {name} [<post>]',
      // "do you know the current state of the front door", "is the state of the kitchen switch off"
      '<ask> (do you know|tell me|<whatis>) [<the>] [current|present] (state|status|value) of [<the>] {name} [<inplace>] [<now>] [<post>]',
      '<tellme> <isare> [the] (state|status) of [<the>] {name} {onoff_state} [<inplace>] [<now>]',
      '[<pre>] [<the>] {name} (state|status) [<post>]',
      '<ask> <whatis> [the] (state|status|value|reading) of [<the>] {name} [<post>]',
      '<ask> <whatis> [the] {name} (state|status|value|reading) [<post>]',
      '<ask> (check|report) [the] (state|status) of [<the>] {name} [<post>]',
      '<ask> (what|how) (is|are) [the] {name.sensor} [at|reading|saying] [<now>]',
    ],
    check: domainCheck(
      'lock',
      'cover',
      'valve',
      'light',
      'switch',
      'fan',
      'input_boolean',
      'media_player',
      'climate',
      'person',
      'sensor',
      'binary_sensor',
      'vacuum',
      'weather',
    ),
  },
  // garage doors as covers ("how many garage doors are opening"); after the sensors, which answer "open" and "closed"
  // where a garage door's contact sensor is what the home has
  { intent: 'HassGetState', templates: queries('{garage}', '{cover_state}') },
  // sensor readings: "what is the <quantity> of/indicated by <sensor>"
  {
    intent: 'HassGetState',
    check: sensorCheck,
    templates: [
      '<ask> (<whatis>|how much|how many) [<the>] [current] {_q} (of|indicated by|measured by|reported by|in|on|from|at|for|shown by|according to) [<the>] {name.sensor} [<inplace>] [<now>]',
      "<ask> <whatis> [<the>] {name.sensor} ['s] {_q} [<inplace>] [<now>]",
      "<ask> <whatis> {name.sensor} 's {_q} [<now>]",
      '<ask> <whatis> [<the>] {name.sensor} [<inplace>] [<now>]',
      '<ask> how (much|many|high|low|fast|slow|strong|loud|big|heavy|far|long|hot|warm|cold|humid|bright) is [the] {name.sensor} [<now>]',
      '<ask> (what|how much|how many) (does|do) [<the>] {name.sensor} (say|show|read|report|indicate|measure|display) [<now>]',
      '<ask> (read|check) [<the>] {name.sensor} [for me] [<now>]',
      "<ask> (when (is|was|will|will be|does|did|'s)|whens) [<the>] {name.sensor} [be|happen|start|end|due] [<now>]",
      '<ask> how (much|many) {_q} (does|do|is|are|has|have) [<the>] {name.sensor} [have|has|got] [left|remaining|using|using now] [<now>]',
      '<ask> how (much|many) {_q} (does|do) {name.sensor} (have|has|use|show) [left|remaining] [<now>]',
    ],
  },

  // readings by the device they belong to: "how much power is the air conditioning using", "the powerwall's stored energy"
  {
    intent: 'HassGetState',
    check: sensorPartCheck,
    templates: [
      '<ask> (<whatis>|how much|how many) [<the>] [current] {_q} (of|indicated by|measured by|reported by|in|on|from|at|for|shown by|according to|used by|drawn by|produced by|stored in|left in) [<the>] {part.sensor:name} [<inplace>] [<now>]',
      "<ask> <whatis> [<the>] {part.sensor:name} ['s] {_q} [<inplace>] [<now>]",
      '<ask> how (much|many) {_q} (is|are|does|do|has|have|did) [<the>] {part.sensor:name} [got] (using|drawing|producing|consuming|pulling|generating|use|draw|produce|consume|pull|generate|used|drawn|produced|consumed|generated|made|have|has|show|showing|read|reading|report|reporting|done|do|travelled|traveled|driven|got) [left|remaining|right now|today|now] [<now>]',
      '<ask> how (much|many) {_q} (is|are) (stored|left|remaining|there) in [<the>] {part.sensor:name} [<now>]',
      // "how big is the log", "how loud is the sound bar", "how fast is macrotorrent downloading"
      '<ask> how {how_adj} (is|are) [<the>] {part.sensor:name} [going|running|downloading|uploading|moving|getting] [<now>]',
    ],
  },

  // ---- media --------------------------------------------------------------------------------------------
  {
    intent: 'HassMediaPause',
    context: true,
    templates: [
      '[<pre>] (pause|stop|hold) [the|my|this] [<media>] [<here>] [<post>]',
      '[<pre>] (put|set) (it|this|that|[the|my|this] <media>) on (pause|hold) [<here>] [<post>]',
    ],
  },
  {
    intent: 'HassMediaPause',
    templates: [
      '[<pre>] (pause|stop|hold) [the|my|this] [<media>] <mtarget> [<post>]',
      '[<pre>] (pause|stop) [the] <place> [<media>|media player|speaker|player] [<post>]',
      '[<pre>] pause <player> [<post>]',
      '[<pre>] (pause|stop|hold) [the|my|this] [<media>] <ptarget> [<post>]',
      '[<pre>] <ptarget> (pause|stop|hold) [the|my|this] [<media>] [<post>]',
      '<player> (pause|stop)',
      '[<pre>] (put|set) <player> on (pause|hold) [<post>]',
    ],
    check: domainCheck('media_player'),
  },
  {
    intent: 'HassMediaUnpause',
    context: true,
    templates: ['[<pre>] (resume|unpause|continue|keep playing|start playing again|play again) [the|my|this] [<media>] [<here>] [<post>]'],
  },
  {
    intent: 'HassMediaUnpause',
    templates: [
      '[<pre>] (resume|unpause|continue|keep playing|start) [the|my|this] [<media>] <mtarget> [<post>]',
      '[<pre>] (resume|unpause|continue) [the] <place> [<media>|media player|speaker|player] [<post>]',
      '[<pre>] (resume|unpause|continue) <player> [<post>]',
      '[<pre>] (resume|unpause|continue|keep playing) [the|my|this] [<media>] <ptarget> [<media>] [<post>]',
      '[<pre>] <ptarget> (resume|unpause|continue|keep playing) [the|my|this] [<media>] [<post>]',
      '<player> (resume|unpause|continue|play)',
    ],
    check: domainCheck('media_player'),
  },
  {
    intent: 'HassMediaNext',
    context: true,
    templates: [
      '[<pre>] (skip|next|skip ahead|skip forward) [this|that|it|the] [<media>|item|one] [<here>] [<post>]',
      '[<pre>] (skip|go|jump|move) to [the] next [<media>|item|one] [<here>] [<post>]',
      '[<pre>] (play|go to) [the] next [<media>|item|one] [<here>] [<post>]',
      '[<pre>] next [<media>|item|one] [please]',
    ],
  },
  {
    intent: 'HassMediaNext',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>] (skip|next) [this|that|it] [<media>|item|one] <mtarget> [<post>]',
      '[<pre>] (skip|go|jump|move) to [the] next [<media>|item|one] <ptarget> [<post>]',
      '[<pre>] (play|go to) [the] next [<media>|item|one] <mtarget> [<post>]',
      '[<pre>] next [<media>|item|one] <mtarget> [<post>]',
      '[<pre>] (skip|next) [<media>|item|one] [on|for|in] [<the>] ({name.media_player}|{place}) [<post>]',
      '<player> (skip|next) [this|that|it] [<media>|item|one]',
      '[<pre>] (skip|next) [this|that|it|the] [<media>|item|one] <ptarget> [<post>]',
      '[<pre>] <ptarget> (skip|next) [to [the] next|this|that|it|the] [<media>|item|one] [<post>]',
      '[<pre>] <ptarget> (play|go to) [the] next [<media>|item|one] [<post>]',
      '<player> (skip|go|jump) to [the] next [<media>|item|one]',
      '<player> (play) [the] next [<media>|item|one]',
    ],
  },
  {
    intent: 'HassMediaPrevious',
    context: true,
    templates: [
      '[<pre>] (go back|back up|rewind) [to [the] (previous|last) [<media>|item|one]] [again] [<here>] [<post>]',
      '[<pre>] (play|go to|replay) [the] (previous|last|prior) [<media>|item|one] [again] [<here>] [<post>]',
      '[<pre>] (go|skip|jump) back [one|a] [<media>|item|one] [<here>] [<post>]',
      '[<pre>] (replay|previous [<media>|item|one]) [again] [<here>] [<post>]',
    ],
  },
  {
    intent: 'HassMediaPrevious',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>] (go back|back up|rewind) [to [the] (previous|last) [<media>|item|one]] [again] <mtarget> [<post>]',
      '[<pre>] (play|go to|replay) [the] (previous|last|prior) [<media>|item|one] [again] <mtarget> [<post>]',
      '[<pre>] (replay) <mtarget> [<post>]',
      '[<pre>] (previous|last) [<media>|item|one] [on|for|in] [<the>] ({name.media_player}|{place}) [<post>]',
      '<player> (go back|back up|rewind) [to [the] (previous|last) [<media>|item|one]] [again]',
      '[<pre>] (go back|back up|rewind|replay) [to] [the] [(previous|last|prior) [<media>|item|one]] [again] <ptarget> [<post>]',
      '[<pre>] <ptarget> (go back|back up|rewind|replay) [to] [the] [(previous|last|prior) [<media>|item|one]] [again] [<post>]',
      '[<pre>] <ptarget> (play|go to) [the] (previous|last|prior) [<media>|item|one] [again] [<post>]',
      '[<pre>] (play|go to) [the] (previous|last|prior) [<media>|item|one] [again] <ptarget> [<post>]',
      '<player> (play|go to|replay) [the] (previous|last|prior) [<media>|item|one] [again]',
    ],
  },
  {
    intent: 'HassSetVolume',
    context: true,
    templates: [
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] [<here>] to {volume_level} <pct> [<here>] [<post>]',
      '[<pre>] <vol> [to] {volume_level} <pct> [<here>]',
    ],
  },
  {
    intent: 'HassSetVolume',
    check: domainCheck('media_player'),
    templates: [
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] <mtarget> to {volume_level} <pct> [<post>]',
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] to {volume_level} <pct> <mtarget> [<post>]',
      '[<pre>] <mtarget> (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] to {volume_level} <pct> [<post>]',
      '[<pre>] (set|change|turn|adjust|put) [the] ({name.media_player}|<place>) <vol> [up|down] to {volume_level} <pct> [<post>]',
      '[<pre>] (set|change|turn|adjust) [the] <vol> (of|on|for) [the] ({name.media_player}|<place>) to {volume_level} <pct> [<post>]',
      '<player> <vol> [to] {volume_level} <pct>',
      '[<pre>] <vol> [to] {volume_level} <pct> <ptarget> [<post>]',
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [<the>] ({name.media_player}|{place}) [<vol>] [up|down] to {volume_level} <pct> [<post>]',
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] to {volume_level} <pct> <ptarget> [<post>]',
      '[<pre>] (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] <ptarget> to {volume_level} <pct> [<post>]',
      '[<pre>] <ptarget> (set|change|turn|put|adjust|make|increase|decrease|raise|lower|bring) [up|down] [the] <vol> [up|down] to {volume_level} <pct> [<post>]',
    ],
  },
  {
    intent: 'HassMediaSearchAndPlay',
    context: true,
    templates: [
      '<playv> [some|a bit of|a little] {search_query} [<post>]',
      {
        t: '<playv> [some|a bit of] (songs|music|tracks|something|anything|albums) by {search_query} [<here>] [<post>]',
        slots: { media_class: 'artist' },
      },
      {
        t: '<playv> [some|a bit of|a little] (music|songs|tunes) [<here>] [<post>]',
        slots: { search_query: '' },
      },
      '<playv> [the|some|a] {media_class} {search_query} [<here>] [<post>]',
      '<playv> [the|some|a] {search_query} {media_class} [<here>] [<post>]',
      '<playv> [the|some|a] {media_class} (called|named) {search_query} [<post>]',
    ],
  },
  {
    intent: 'HassMediaSearchAndPlay',
    check: domainCheck('media_player'),
    templates: [
      '<playv> [some|a bit of|a little] {search_query} <mtarget> [<post>]',
      {
        t: '<playv> [some|a bit of] (songs|music|tracks|something|anything|albums) by {search_query} <mtarget> [<post>]',
        slots: { media_class: 'artist' },
      },
      '<playv> [the|some|a] {media_class} {search_query} <mtarget> [<post>]',
      '<playv> [the|some|a] {search_query} {media_class} <mtarget> [<post>]',
      '[<pre>] <mtarget> (play|put on) {search_query} [<post>]',
      '<playv> ([the|some|a] {media_class} {search_query}|[the|some|a] {search_query} {media_class}|{search_query}) on [<the>] {name.media_player} <inplace> [<post>]',
      {
        t: '<playv> [some|a bit of|a little] (music|songs|tunes) <mtarget> [<post>]',
        slots: { search_query: '' },
      },
    ],
  },

  // ---- timers -------------------------------------------------------------------------------------------
  {
    intent: 'HassStartTimer',
    templates: [
      '[<pre>] (set|start|create|make|begin|add|put on|run) [me] [a|an|the|my|one] [new] <dur> timer [(named|called|for) {tname:name}] [<post>]',
      '[<pre>] (set|start|create|make|begin|add) [me] [a|an|the|my] [new] [{tname:name}] timer (for|of|with) <dur> [(named|called|for) {tname:name}] [<post>]',
      '[<pre>] (set|start|create|make|begin) [a|an|the|my] timer (named|called) {tname:name} for <dur> [<post>]',
      '[<pre>] [a|an] <dur> timer [(named|called|for) {tname:name}] [<post>]',
      '[<pre>] timer (for|of) <dur> [(named|called|for) {tname:name}] [<post>]',
      '[<pre>] [(set|start|make)] [a|an|the|my] {tname:name} timer (for|of) <dur> [<post>]',
      '[<pre>] (set|start|create|make|begin|add|put on|run) [me] [a|an|the|my|one] [new] <dur> timer for (the|my|our) {tname:name} [<post>]',
      '[<pre>] (set|start|create|make|begin|add|put on) [me] [a|an|the|my] <dur> {tname:name} timer [<post>]',
      '[<pre>] (time|count down) <dur> [<post>]',
      // "turn off the lights in 10 minutes": the command runs when the time is up
      '{conversation_command} (in|after) <dur>',
      '(in|after) <dur> {conversation_command}',
    ],
  },
  {
    intent: 'HassCancelAllTimers',
    templates: [
      '[<pre>] (cancel|stop|delete|remove|end|clear|turn off|kill|abort|reset) (all|every|each) [of] [the|my|our] (timers|timer) [(in|on|from) [the|my|our] {area}] [<post>]',
      '[<pre>] (cancel|stop|delete|remove|end|clear|kill|abort) [all [of]] [the|my|our] {area} timers [<post>]',
      '[<pre>] (cancel|stop|delete|remove|end|clear|kill|abort) [the|my|our] timers [(in|on|from) [<the>] {area}] [<post>]',
    ],
  },
  {
    intent: 'HassCancelTimer',
    templates: ['[<pre>] (cancel|stop|delete|remove|end|clear|turn off|kill|abort|dismiss|silence) <timer> [<post>]'],
  },
  {
    intent: 'HassPauseTimer',
    templates: ['[<pre>] (pause|hold|freeze|suspend|stop) <timer> [<post>]', '[<pre>] (put|place) <timer> on hold [<post>]'],
  },
  { intent: 'HassUnpauseTimer', templates: ['[<pre>] (resume|continue|unpause|unfreeze|restart|start) <timer> [again] [<post>]'] },
  {
    intent: 'HassIncreaseTimer',
    templates: [
      '[<pre>] (add|put) [another|an extra|an additional|extra] <dur> [more] (to|on|onto) <timer> [<post>]',
      '[<pre>] (increase|extend|lengthen|raise) <timer> by <dur> [<post>]',
      '[<pre>] (give|add) <timer> [another|an extra|extra] <dur> [more] [<post>]',
      '[<pre>] (extend|increase) <timer> <dur> [<post>]',
    ],
  },
  {
    intent: 'HassDecreaseTimer',
    templates: [
      '[<pre>] (remove|subtract|take|cut|knock|shave) [off] <dur> (from|off|off of) <timer> [<post>]',
      '[<pre>] take <dur> <timer> [<post>]',
      '[<pre>] (decrease|reduce|shorten|lower|cut) <timer> by <dur> [<post>]',
    ],
  },
  {
    intent: 'HassTimerStatus',
    templates: [
      '[<pre>] (how much time|how long|how many (minutes|seconds|hours)|how much longer|how much|time) [is|are] (left|remaining) (on|in|for) (<timer>|<timers>) [<post>]',
      '[<pre>] (how much time|how long|how much longer) (is|are) (left|remaining) [<post>]',
      '[<pre>] (how much longer|how much time|how long) [is] [left|remaining] (on|for|in) (<timer>|<timers>) [<post>]',
      "[<pre>] (status of|time left on|time remaining on|remaining time on|check|check on|what is the status of|what's the status of|how is|how's) (<timer>|<timers>) [<post>]",
      '[<pre>] (<timer>|<timers>) (status|time left|time remaining) [<post>]',
      '<ask> how (much|long) [time] [is] (left|remaining) (on|in|for) (<timer>|<timers>) [<post>]',
      '<ask> when (is|does|will) <timer> (done|going off|go off|end|finish|ring|be done) [<post>]',
      '<ask> how (long|much time|much longer|many minutes) (until|till|before) <timer> (goes off|is done|rings|ends|finishes) [<post>]',
      "[<pre>] (what's|what is|whats) (left|remaining) (on|in|for) (<timer>|<timers>) [<post>]",
    ],
  },

  // ---- lists --------------------------------------------------------------------------------------------
  {
    intent: 'HassShoppingListAddItem',
    templates: [
      '[<pre>] (add|put|write) {item} (to|on|onto|in) [the|my|our] [shopping|grocery] list [<post>]',
      '[<pre>] (i need|we need) [to buy] {item} [<post>]',
    ],
  },
  {
    intent: 'HassShoppingListCompleteItem',
    templates: [
      '[<pre>] (check off|complete|delete|remove|cross off|mark off|tick off|check) {item} (from|on|in|off|off of) [the|my|our] [shopping] list [<post>]',
      // "off" on either side of the item: "complete off apples in the list", "delete milk off from my list"
      '[<pre>] (complete|delete|remove|check|cross|tick|mark) [off] {item} [off] (from|on|in) [the|my|our] [shopping] list [<post>]',
      '[<pre>] (check|cross|tick|mark) {item} off [the|my|our] [shopping] list [<post>]',
      '[<pre>] mark {item} (as done|as complete|as completed|done|complete) (on|in) [the|my|our] [shopping] list [<post>]',
    ],
  },
  {
    intent: 'HassListAddItem',
    templates: ['[<pre>] (add|put|write) {item} (to|on|onto|in) [the|my|our] {name.todo} [list|to do list|todo list] [<post>]'],
  },
  {
    intent: 'HassListCompleteItem',
    templates: [
      '[<pre>] (check off|complete|delete|remove|cross off|mark off|tick off|check) {item} (from|on|in|off) [the|my|our] {name.todo} [list|to do list|todo list] [<post>]',
      '[<pre>] (complete|delete|remove|check|cross|tick|mark) [off] {item} [off] (from|on|in) [the|my|our] {name.todo} [list|to do list|todo list] [<post>]',
      '[<pre>] mark {item} (as done|as complete|as completed|done|complete|completed|as finished) (on|in) [the|my|our] {name.todo} [list|to do list|todo list] [<post>]',
      '[<pre>] (check|cross|tick|mark) {item} off [the|my|our] {name.todo} [list|to do list|todo list] [<post>]',
    ],
  },

  // ---- readings by what they measure ---------------------------------------------------------------------------------
  {
    intent: 'HassGetState',
    context: true,
    check: sensorClassCheck,
    templates: [
      '<tellme> <whatis> [the] [current] {sensor_class} [level|reading|value] [<inplace>|<inplaces>|<here>|inside|outside] [<now>]',
      '<tellme> <whatis> [the] (<place>|<places>) {sensor_class} [level|reading|value] [<now>]',
      '<tellme> how much {sensor_class} (is there|do we have|are we using|is the house using) [<inplace>|<here>] [<now>]',
      { t: '<tellme> how (humid|damp|dry) is it [<inplace>|<here>|inside|indoors] [<now>]', slots: { device_class: 'humidity' } },
      { t: '<tellme> how (humid|damp|dry) is [the] <place> [<now>]', slots: { device_class: 'humidity' } },
      { t: '<tellme> how (windy|strong is the wind) is it [outside] [<now>]', slots: { device_class: 'wind_speed' } },
      { t: '<tellme> how (loud|noisy) is it [<inplace>|<here>] [<now>]', slots: { device_class: 'sound_pressure' } },
      {
        t: '<tellme> how much (did it rain|rain (has fallen|fell|did we get|have we had|was there)) [<inplace>] [today|<now>]',
        slots: { device_class: 'precipitation' },
      },
    ],
  },

  // ---- lawn mower ---------------------------------------------------------------------------------------------------
  {
    intent: 'HassLawnMowerStartMowing',
    check: domainCheck('lawn_mower'),
    bonus: 0.5,
    templates: [
      '[<pre>] (start|run|turn on|activate|launch|send out) [<the>] {name.lawn_mower} [mowing] [<post>]',
      '[<pre>] {name.lawn_mower} (start|go) [mowing] [<post>]',
      '[<pre>] (have|let|make|tell|ask) [<the>] {name.lawn_mower} [to] (mow|cut) [the] (lawn|grass|yard|garden) [<post>]',
      '[<pre>] (have|let|make|tell|ask) [<the>] {name.lawn_mower} [to] start mowing [<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerStartMowing',
    slots: { domain: 'lawn_mower' },
    templates: [
      '[<pre>] (mow|cut) [<the>] (lawn|grass|yard|garden|backyard|front yard) [<post>]',
      '[<pre>] (start|begin) mowing [[<the>] (lawn|grass|yard|garden)] [<post>]',
      '[<pre>] (start|run|turn on|activate|launch|send out) [<the>] <mower> [<post>]',
      '[<pre>] (have|let|make|tell|ask) [<the>] <mower> [to] (mow|cut) [the] (lawn|grass|yard|garden) [<post>]',
      '[<pre>] [<the>] <mower> (start|go) [mowing] [<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerDock',
    check: domainCheck('lawn_mower'),
    bonus: 0.5,
    templates: [
      '[<pre>] (dock|park|recall|stop) [<the>] {name.lawn_mower} [<post>]',
      '[<pre>] (return|send|bring) [<the>] {name.lawn_mower} [back] (to [the|its] (base|dock|charger|charging station|station|garage)|home) [<post>]',
      '[<pre>] (tell|ask|have|let|make) [<the>] {name.lawn_mower} [to] (return|go|go back|head back) (to [the|its] (base|dock|charger|station)|home) [<post>]',
    ],
  },
  {
    intent: 'HassLawnMowerDock',
    slots: { domain: 'lawn_mower' },
    templates: [
      '[<pre>] (dock|park|recall) [<the>] <mower> [<post>]',
      '[<pre>] (return|send|bring) [<the>] <mower> [back] (to [the|its] (base|dock|charger|charging station|station|garage)|home) [<post>]',
      '[<pre>] (tell|ask|have|let|make) [<the>] <mower> [to] (return|go|go back|head back) (to [the|its] (base|dock|charger|station)|home) [<post>]',
      '[<pre>] stop mowing [<post>]',
    ],
  },

  // ---- vacuum, weather, time, misc -------------------------------------------------------------------------------
  {
    intent: 'HassVacuumStart',
    bonus: 0.5,
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>] (start|run|begin|turn on|activate|launch) [<the>] {name.vacuum} [cleaning|vacuuming] [<post>]',
      '[<pre>] {name.vacuum} (start|go|clean|vacuum) [cleaning|vacuuming] [<post>]',
      '[<pre>] (have|let|make) [<the>] {name.vacuum} (clean|vacuum) [up] [the <home>] [<post>]',
      '[<pre>] (clean|vacuum|hoover) [up] [<the>] <place> [<post>]',
      '[<pre>] (clean|vacuum|hoover) [up] [the <home>|everywhere] [<post>]',
      '[<pre>] (start|begin|run) (cleaning|vacuuming) [<inplace>] [<post>]',
    ],
  },
  {
    intent: 'HassVacuumStart',
    slots: { domain: 'vacuum' },
    templates: [
      '[<pre>] (start|run|turn on|activate|launch) [<the>] (vacuum|vacuum cleaner|robot vacuum|robot|hoover|roomba) [cleaning] [<post>]',
    ],
  },
  {
    intent: 'HassVacuumReturnToBase',
    slots: { domain: 'vacuum' },
    templates: [
      '[<pre>] (return|send|bring) [<the>] (vacuum|vacuum cleaner|robot vacuum|robot|hoover|roomba) [back] (to [the|its] (base|dock|charger|charging station)|home) [<post>]',
      '[<pre>] (dock|recall|park) [<the>] (vacuum|vacuum cleaner|robot vacuum|robot|hoover|roomba) [<post>]',
    ],
  },
  {
    intent: 'HassVacuumReturnToBase',
    check: domainCheck('vacuum'),
    templates: [
      '[<pre>] (return|send|bring) [<the>] {name.vacuum} [back] [(to [the|its] (base|dock|charger|charging station)|home)] [<post>]',
      '[<pre>] (dock|recall|park) [<the>] {name.vacuum} [<post>]',
      '[<pre>] {name.vacuum} (return|go|go back) (to [the|its] (base|dock|charger)|home) [<post>]',
      '[<pre>] (tell|ask|have|let|make) [<the>] {name.vacuum} [to] (return|go|go back|head back) (to [the|its] (base|dock|charger)|home) [<post>]',
    ],
  },
  {
    intent: 'HassGetWeather',
    templates: [
      "<ask> (<whatis>|hows|what will be|what'll be|get me|fetch) [<the>] [current|latest|local] <wnoun> [going to be|gonna be] [like] [<wtime>] [<wloc>] [like|looking] [<wtime>] [<post>]",
      '<ask> is [<the>] weather (nice|good|bad|ok|okay|fine|decent) [<wtime>] [<wloc>] [<wtime>] [<post>]',
      '<ask> what (kind|sort) of weather (are we having|is it|do we have|is there|are we getting|is coming) [<wloc>] [<wtime>] [<post>]',
      "<ask> (what is|what's|whats) it doing (outside|out there) [<wtime>] [<post>]",
      '<ask> (<whatis> [<the>] [current] (temperature|temp) [outside]|what (temperature|temp) is it [outside]) <wloc> [<wtime>] [<post>]',
      '<ask> (do i need|should i (take|bring)) [an|a] (umbrella|jacket|coat) [<wtime>] [(in|to) [<the>] {name.weather}] [<wtime>] [<post>]',
      "<ask> (how|what) (is|'s|does|do) [<the>] (weather|forecast) look [like] [[over] (in|for|at) [<the>] {name.weather}] [(today|now|right now|outside|tomorrow|later)] [<post>]",
      "<ask> (what|how) (will|'ll) the (weather|forecast) be [like] [(in|for|at) [<the>] {name.weather}] [(today|tonight|tomorrow|later|this (morning|afternoon|evening|weekend))] [<post>]",
      '[<pre>] [the] [current|latest|local|today] [[<the>] {name.weather}] (weather|forecast|weather forecast) [(today|now|right now|tomorrow)] [<post>]',
      // a weather place asked about like a person: "what's London like today", "what's the temperature in London"
      "<ask> (how is|how's|what is|what's|whats) [<the>] {name.weather} (like|looking) [(today|now|right now|tomorrow)] [<post>]",
      '<ask> (<whatis> [the] [current] (temperature|temp)|what (temperature|temp) is it) (in|at|for) [<the>] {name.weather} [(today|now|right now)] [<post>]',
      '<ask> (what|how) the (weather|forecast) (is|will be|is going to be|looks) [like] [(in|for|at) [<the>] {name.weather}] [like] [(today|now|right now|outside|tomorrow|later)] [<post>]',
      '<ask> <whatis> [the] [<the>] {name.weather} (weather|forecast) [like] [(today|now|right now)] [<post>]',
      '<ask> [the] (weather|forecast|weather forecast) [(in|for|at) [<the>] {name.weather}] [(today|now|right now|tomorrow|outside)] [<post>]',
      // "tell me about the weather", "how's the weather looking", "what's it like outside", "how hot is it in London"
      '<ask> (tell me|talk to me|give me an update|update me) about the (weather|forecast) [(in|for|at) [<the>] {name.weather}] [(today|tomorrow|outside)] [<post>]',
      "<ask> (how is|how's|what is|what's) the (weather|forecast) (looking|doing|shaping up) [(in|for|at) [<the>] {name.weather}] [(today|tomorrow|outside)] [<post>]",
      "<ask> (how is|how's|what is|what's|whats) it (like|looking) (outside|out there|outdoors|(in|at) [<the>] {name.weather}) [(today|now|right now)] [<post>]",
      "<ask> (what is|what's|whats) the (outlook|weather outlook) [(in|for|at) [<the>] {name.weather}] [(for today|for tomorrow|today|tomorrow)] [<post>]",
      '<ask> is it (nice|nice out|lovely|warm|cold|hot|sunny|raining|snowing|windy) (outside|out there|out|outdoors|(in|at) [<the>] {name.weather}) [(today|now|right now)] [<post>]',
      '<ask> how (hot|cold|warm) is it (in|at) [<the>] {name.weather} [(today|now|right now)] [<post>]',
      '<ask> (is it|will it be) (raining|sunny|cloudy|snowing|windy|cold|hot|warm) [outside] [(in|at) [<the>] {name.weather}] [(today|now)]',
      '<ask> (is it going to|is it gonna|will it|does it look like it will|does it look like it is going to) (rain|snow|be sunny|be cloudy|be windy|be cold|be hot|be warm|storm) [outside] [(in|at) [<the>] {name.weather}] [today|tonight|tomorrow|later]',
      '<ask> (do i need|should i (take|bring)) [an|a] (umbrella|jacket|coat) [today]',
    ],
  },
  {
    intent: 'HassGetCurrentTime',
    templates: [
      '<ask> what time is it [now|right now] [please]',
      "<ask> (what is|what's|whats|tell me|give me|do you know|say) the [current] time [now|right now|please]",
      '<ask> (what|which) time (is it|do we have)',
      '<ask> (do you have|have you got) the time',
      '[<pre>] time [please|now|check]',
    ],
  },
  {
    intent: 'HassGetCurrentDate',
    templates: [
      "[<pre>] (what is|what's|whats|tell me|give me|say) [<the>] [current|today's|todays] date [today|please]",
      "[<pre>] (what is|what's|whats|tell me) [the] (today's|todays|today) date [please]",
      '<ask> what date is (it|today) [today|please]',
      '<ask> what (day|day of the week) is (it|today) [today|please]',
      "[<pre>] (what is|what's) the day [today|please]",
      '<ask> which day is (it|today)',
    ],
  },
  {
    intent: 'HassNevermind',
    templates: [
      "(nevermind|never mind|forget it|forget about it|cancel|cancel that|nothing|ignore (that|me|it)|that is all|that's all|no thanks|not now|stop listening|go away|abort)",
    ],
  },
  {
    intent: 'HassRespond',
    templates: [
      {
        t: '(are|do) you (always|constantly) (listening|recording) [to me|to us] [right now|all the time]',
        slots: { respond: 'listening' },
      },
      {
        t: 'where (does|is) (my|the|our) (data|voice|information|recording|recordings) (go|going|sent|stored|kept) [to]',
        slots: { respond: 'data' },
      },
      { t: '[<pre>] (what|which) (can|could|should) (i|we) (say|ask [you]|do) [here|now]', slots: { respond: 'capabilities' } },
      { t: '[<pre>] what (can|could|do) you (do|help [me|us] with|know how to do)', slots: { respond: 'capabilities' } },
      { t: '[<pre>] (how|what) can you help [me|us] [with]', slots: { respond: 'capabilities' } },
      { t: '(help|help me|what are your (skills|abilities|features)|what are you capable of)', slots: { respond: 'capabilities' } },
      {
        t: '(hello|hi|hey|hey there|hi there|hello there|good morning|good afternoon|good evening|morning|evening|howdy|yo) [butler|there|home assistant|friend]',
        slots: { respond: 'hello' },
      },
      {
        t: '(thank you|thanks|thanks a lot|thank you very much|thank you so much|thanks so much|many thanks|cheers|much appreciated|great thanks|perfect thanks) [butler|again|mate|buddy|friend]',
        slots: { respond: 'thanks' },
      },
      { t: '(who|what) are you', slots: { respond: 'who' } },
      { t: "[hi|hey|hello] (how are you|how are you doing|how's it going|how are things) [today|butler]", slots: { respond: 'howareyou' } },
      { t: 'who (made|created|built|wrote) you', slots: { respond: 'creator' } },
      'say {response}',
    ],
  },

  {
    intent: 'HassBroadcast',
    // the message is anything said after "announce", even "we leave in five minutes"
    bonus: 1,
    templates: [
      '[<pre>] (broadcast|announce) [to] [<everywhere>|everyone|everybody|the (house|home|family)] [that] {message}',
      '[<pre>] (tell|let) (everyone|everybody|the (whole)? (house|family)) [know] [that] {message}',
      '[<pre>] make an announcement [that] {message}',
    ],
  },

  // ---- the butler's own intents -----------------------------------------------------------------------
  {
    intent: 'ButlerPrivacy',
    templates: [
      '[<pre>] (turn|switch|put) {onoff:enabled} [the] privacy [mode] [<post>]',
      '[<pre>] (turn|switch) [the] privacy [mode] {onoff:enabled} [<post>]',
      '[<pre>] {onoff:enabled} [the] privacy [mode] [<post>]',
      '[<pre>] privacy [mode] {onoff:enabled} [<post>]',
      { t: '[<pre>] (stop|quit) (watching|listening|recording) [me|us] [<post>]', slots: { enabled: 'on' } },
      { t: '[<pre>] (give me|i need|i want) [some] privacy [<post>]', slots: { enabled: 'on' } },
    ],
    bonus: 0.5,
  },
  {
    intent: 'ButlerSetMode',
    templates: [
      {
        t: "[<pre>] (i'm|i am|we're|we are) (leaving|heading out|going out|off|out) [now|the house|for (work|the day)] [<post>]",
        slots: { mode: 'away' },
      },
      { t: '[<pre>] (goodbye|bye|see you [later])', slots: { mode: 'away' } },
      {
        t: "[<pre>] (good night|goodnight|night night|(i'm|i am|we're|we are) going to (bed|sleep)|time (for|to) (bed|sleep)) [<post>]",
        slots: { mode: 'night' },
      },
      { t: "[honey|hi|hey] [<pre>] (i'm|i am|we're|we are) (home|back|back home|here) [now] [<post>]", slots: { mode: 'home' } },
      '[<pre>] (set|switch|change|put) [the] [home|house] (mode|status) to {mode} [mode] [<post>]',
      '[<pre>] (set|switch|change|put) [the] (house|home) (to|in|into|on) {mode} mode [<post>]',
      '[<pre>] (switch|change|go) to {mode} mode [<post>]',
      '[<pre>] (activate|enable|turn on|start) [the] {mode} mode [<post>]',
      '[<pre>] {mode} mode [on|please|now]',
    ],
    bonus: 0.5,
  },
  {
    intent: 'ButlerShowCamera',
    templates: [
      '[<pre>] (show|display) [me|us] [<the>] ({name.camera}|{cam:name}) [camera|cam|feed|video|stream] [<post>]',
      '[<pre>] (let me see|i want to see|open) [<the>] ({name.camera}|{cam:name}) (camera|cam|feed|video|stream) [<post>]',
      '[<pre>] (let me see|i want to see) [<the>] {name.camera} [<post>]',
      "[<pre>] [let's|let us|i want to|i'd like to|can i|could i] (watch|view|stream) [<the>] {name.camera} [camera|cam|feed|video|stream] [<post>]",
      "[<pre>] (who's|who is|what's|what is) (at|in front of) [the] {cam:name} [<post>]",
    ],
  },
  {
    intent: 'ButlerSendMessage',
    // "tell me …" asks the butler; "tell everyone …" is a broadcast
    // …and "tell rover to go home" speaks to a device, not a person
    check: (d, home) =>
      typeof d.slots.person === 'string' &&
      !home.entities.some((e) => [e.name, ...e.aliases].some((n) => n.toLowerCase() === String(d.slots.person).toLowerCase())) &&
      !['me', 'us', 'you', 'myself', 'everyone', 'everybody', 'all'].includes(d.slots.person.toLowerCase().split(/\s+/)[0]),
    templates: [
      '[<pre>] (tell|inform|remind) {person} (that|to) {message}',
      '[<pre>] (tell|inform) {person} {message}',
      '[<pre>] (send|write) [a] (message|text|note) to {person} [(saying|that)] {message}',
      '[<pre>] (send|write) {person} a (message|text|note) [(saying|that)] {message}',
      '[<pre>] (message|text) {person} [(saying|that)] {message}',
      '[<pre>] let {person} know [that] {message}',
    ],
  },
  {
    intent: 'ButlerRemember',
    templates: [
      '[<pre>] remember (that|this) {fact}',
      '[<pre>] remember {fact}',
      "[<pre>] (please note|note|keep in mind|don't forget|do not forget|make a note) [that] {fact}",
    ],
  },
  {
    intent: 'ButlerRecall',
    templates: [
      '<ask> what do you (know|remember) about [the|my] {topic}',
      '[<pre>] (do you remember|what did i tell you about|tell me what you know about|recall) [anything about] [the|my] {topic}',
      '<ask> what (have i told|did i tell) you about [the|my] {topic}',
      // questions about what was remembered: "when does the plumber come?", "where did I put my keys?"
      { t: '(when|what time|what day|which day) (does|do|is|are|will|did|was) {topic}', slots: { natural: 'yes' } },
      { t: '(where|who) (did i|did we|is|are|was|does|do) {topic}', slots: { natural: 'yes' } },
      { t: '(do you know|can you remind me) (when|where|who|what time|what day) {topic}', slots: { natural: 'yes' } },
    ],
  },
  // ---- cameras: what a camera sees (camera_describe; needs a model) --------------------------------------
  // A place or a camera by name; `by: camera` when the sentence says it is a camera ("the porch camera").
  {
    intent: 'ButlerDescribeCamera',
    bonus: 1,
    templates: [
      "[<pre>] [tell me|do you know] (what's|what is|whats) (happening|going on) (at|in|on|by|outside|in front of) [<the>] {cam:name} [<post>]",
      "[<pre>] [tell me|do you know] (who's|who is|whos|who) (at|in front of|outside|by) [<the>] {cam:name} [<post>]",
      "[<pre>] (what's|what is|whats) (at|in front of|outside) [<the>] {cam:name} [<post>]",
      '[<pre>] (is|are) (there|anyone|anybody|someone|somebody) [anyone|anybody|someone|somebody] (at|outside|by|in front of) [<the>] {cam:name} [<post>]',
      '[<pre>] (how does|how do) [<the>] {cam:name} look [<post>]',
      {
        t: '[<pre>] (show|let me see|let me look at|i want to see) [me|us] [<the>] {cam:name} (camera|cam) [<post>]',
        slots: { by: 'camera' },
      },
      { t: '[<pre>] (check|look at|have a look at|take a look at) [<the>] {cam:name} (camera|cam) [<post>]', slots: { by: 'camera' } },
      { t: '[<pre>] (what|who) (does|can) [<the>] {cam:name} (camera|cam) see [<post>]', slots: { by: 'camera' } },
    ],
  },
];

export const EN: LanguagePack = {
  rules,
  lists,
  numbers: NUMBERS,
  wildcards: ['search_query', 'item', 'tname', 'cam', 'person', 'message', 'fact', 'topic', '_q', 'response', 'conversation_command'],
  groups,
};
