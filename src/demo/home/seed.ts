// The demo home: modelled on Home Assistant's `demo` integration (same entity ids and friendly names where the
// demo has them), laid out on two floors so area/floor targeting and Assist-style names can be exercised.
// Exported so anything (the butler's `npm start`, tests, benches) can build the very same home.

export interface SeedFloor {
  floor_id: string;
  name: string;
  level: number | null;
  icon: string | null;
  aliases: string[];
}

export interface SeedArea {
  area_id: string;
  name: string;
  floor_id: string | null;
  icon: string | null;
  aliases: string[];
}

export interface SeedDevice {
  id: string;
  name: string;
  area_id: string | null;
  manufacturer: string;
  model: string;
}

export interface SeedEntity {
  entity_id: string;
  state: string;
  /** Attributes including friendly_name. */
  attributes: Record<string, unknown>;
  device_id: string | null;
  /** Entity-level area override (null: inherits the device's area). */
  area_id: string | null;
  aliases: string[];
  /** Registry name set by the user (null: the friendly name is the original name). */
  name: string | null;
}

export interface SeedScene {
  entity_id: string;
  /** entity_id → the state and attributes the scene applies. */
  entities: Record<string, { state: string; attributes?: Record<string, unknown> }>;
}

export interface SeedScriptStep {
  domain: string;
  service: string;
  data?: Record<string, unknown>;
  target?: { entity_id?: string | string[]; area_id?: string | string[] };
}

export interface SeedScript {
  entity_id: string;
  sequence: SeedScriptStep[];
}

export interface DemoHomeSeed {
  location_name: string;
  latitude: number;
  longitude: number;
  elevation: number;
  time_zone: string;
  ha_version: string;
  floors: SeedFloor[];
  areas: SeedArea[];
  devices: SeedDevice[];
  entities: SeedEntity[];
  scenes: SeedScene[];
  scripts: SeedScript[];
  /** notify services (notify.<name>). */
  notifiers: string[];
}

/** The Home Assistant version the demo home claims to be (≥ 2022.9: the JS client uses subscribe_entities and coalescing). */
export const DEMO_HA_VERSION = '2026.11.0';

const LIGHT_OFF_COLOR = {
  color_mode: null,
  brightness: null,
  color_temp_kelvin: null,
  hs_color: null,
  rgb_color: null,
  xy_color: null,
};

function light(id: string, name: string, device: string, on: boolean, modes: string[], extra: Record<string, unknown> = {}): SeedEntity {
  const base: Record<string, unknown> = {
    min_color_temp_kelvin: 2000,
    max_color_temp_kelvin: 6535,
    supported_color_modes: modes,
    friendly_name: name,
    supported_features: 44,
  };
  const attributes = on ? { ...base, ...LIGHT_OFF_COLOR, ...extra } : { ...base, ...LIGHT_OFF_COLOR };
  return { entity_id: id, state: on ? 'on' : 'off', attributes, device_id: device, area_id: null, aliases: [], name: null };
}

function ent(
  entity_id: string,
  state: string,
  attributes: Record<string, unknown>,
  device_id: string | null,
  aliases: string[] = [],
): SeedEntity {
  return { entity_id, state, attributes, device_id, area_id: null, aliases, name: null };
}

function buildSeed(): DemoHomeSeed {
  const floors: SeedFloor[] = [
    { floor_id: 'ground_floor', name: 'Ground Floor', level: 0, icon: 'mdi:home-floor-0', aliases: ['downstairs', '一楼'] },
    { floor_id: 'first_floor', name: 'First Floor', level: 1, icon: 'mdi:home-floor-1', aliases: ['upstairs', '二楼'] },
  ];
  const areas: SeedArea[] = [
    { area_id: 'kitchen', name: 'Kitchen', floor_id: 'ground_floor', icon: 'mdi:stove', aliases: ['厨房'] },
    { area_id: 'living_room', name: 'Living Room', floor_id: 'ground_floor', icon: 'mdi:sofa', aliases: ['lounge', '客厅'] },
    { area_id: 'hallway', name: 'Hallway', floor_id: 'ground_floor', icon: 'mdi:door', aliases: ['entrance', 'hall', '走廊', '门厅'] },
    { area_id: 'garage', name: 'Garage', floor_id: 'ground_floor', icon: 'mdi:garage', aliases: ['车库'] },
    { area_id: 'bedroom', name: 'Bedroom', floor_id: 'first_floor', icon: 'mdi:bed', aliases: ['master bedroom', '卧室'] },
    { area_id: 'office', name: 'Office', floor_id: 'first_floor', icon: 'mdi:desk', aliases: ['study', '书房'] },
    { area_id: 'garden', name: 'Garden', floor_id: null, icon: 'mdi:flower', aliases: ['backyard', '花园'] },
  ];
  const devices: SeedDevice[] = [];
  const dev = (key: string, name: string, area: string | null, model: string, manufacturer = 'Home Assistant'): string => {
    const id = `demo_${key}`;
    devices.push({ id, name, area_id: area, manufacturer, model });
    return id;
  };

  const entities: SeedEntity[] = [
    light('light.bed_light', 'Bed Light', dev('bed_light', 'Bed Light', 'bedroom', 'Demo light'), false, ['color_temp', 'hs']),
    light(
      'light.ceiling_lights',
      'Ceiling Lights',
      dev('ceiling_lights', 'Ceiling Lights', 'living_room', 'Demo light'),
      true,
      ['color_temp', 'hs'],
      {
        color_mode: 'color_temp',
        brightness: 180,
        color_temp_kelvin: 4166,
        hs_color: [26.8, 34.0],
        rgb_color: [255, 205, 168],
        xy_color: [0.42, 0.365],
      },
    ),
    light(
      'light.kitchen_lights',
      'Kitchen Lights',
      dev('kitchen_lights', 'Kitchen Lights', 'kitchen', 'Demo light'),
      true,
      ['color_temp', 'hs'],
      { color_mode: 'hs', brightness: 180, hs_color: [345, 75], rgb_color: [255, 63, 111], xy_color: [0.59, 0.274] },
    ),
    light(
      'light.office_rgbw_lights',
      'Office RGBW Lights',
      dev('office_rgbw_lights', 'Office RGBW Lights', 'office', 'Demo light'),
      true,
      ['rgbw'],
      {
        color_mode: 'rgbw',
        brightness: 180,
        rgbw_color: [255, 128, 0, 255],
        hs_color: [30.0, 50.0],
        rgb_color: [255, 191, 128],
        xy_color: [0.479, 0.382],
      },
    ),
    light(
      'light.living_room_rgbww_lights',
      'Living Room RGBWW Lights',
      dev('living_room_rgbww_lights', 'Living Room RGBWW Lights', 'living_room', 'Demo light'),
      true,
      ['rgbww'],
      {
        color_mode: 'rgbww',
        brightness: 180,
        rgbww_color: [255, 128, 0, 255, 0],
        hs_color: [27.0, 19.0],
        rgb_color: [255, 225, 206],
        xy_color: [0.37, 0.351],
      },
    ),
    light(
      'light.entrance_color_white_lights',
      'Entrance Color + White Lights',
      dev('entrance_lights', 'Entrance Color + White Lights', 'hallway', 'Demo light'),
      true,
      ['hs', 'white'],
      { color_mode: 'hs', brightness: 180, hs_color: [345, 75], rgb_color: [255, 63, 111], xy_color: [0.59, 0.274] },
    ),

    ent(
      'switch.decorative_lights',
      'on',
      { friendly_name: 'Decorative Lights', assumed_state: true },
      dev('decorative_lights', 'Decorative Lights', 'living_room', 'Demo switch'),
      ['fairy lights'],
    ),
    ent('switch.ac', 'off', { friendly_name: 'AC', device_class: 'outlet' }, dev('ac', 'AC', 'bedroom', 'Demo switch'), [
      'air conditioner',
    ]),

    ent(
      'lock.front_door',
      'locked',
      { friendly_name: 'Front Door', supported_features: 0 },
      dev('front_door', 'Front Door', 'hallway', 'Demo lock'),
      ['main door'],
    ),
    ent(
      'lock.kitchen_door',
      'unlocked',
      { friendly_name: 'Kitchen Door', supported_features: 0 },
      dev('kitchen_door', 'Kitchen Door', 'kitchen', 'Demo lock'),
      ['back door'],
    ),
    ent(
      'lock.poorly_installed_door',
      'unlocked',
      { friendly_name: 'Poorly Installed Door', supported_features: 0 },
      dev('poorly_installed_door', 'Poorly Installed Door', 'garage', 'Demo lock'),
    ),
    ent(
      'lock.openable_lock',
      'locked',
      { friendly_name: 'Openable Lock', supported_features: 1 },
      dev('openable_lock', 'Openable Lock', 'hallway', 'Demo lock'),
    ),

    ent(
      'cover.kitchen_window',
      'closed',
      { friendly_name: 'Kitchen Window', supported_features: 11 },
      dev('kitchen_window', 'Kitchen Window', 'kitchen', 'Demo cover'),
    ),
    ent(
      'cover.hall_window',
      'open',
      { friendly_name: 'Hall Window', current_position: 10, supported_features: 15 },
      dev('hall_window', 'Hall Window', 'hallway', 'Demo cover'),
    ),
    ent(
      'cover.living_room_window',
      'open',
      { friendly_name: 'Living Room Window', current_position: 70, current_tilt_position: 50, supported_features: 255 },
      dev('living_room_window', 'Living Room Window', 'living_room', 'Demo cover'),
    ),
    ent(
      'cover.garage_door',
      'closed',
      { friendly_name: 'Garage Door', device_class: 'garage', supported_features: 3 },
      dev('garage_door', 'Garage Door', 'garage', 'Demo cover'),
      ['garage'],
    ),

    ent(
      'climate.hvac',
      'cool',
      {
        friendly_name: 'Hvac',
        hvac_modes: ['off', 'heat', 'cool', 'auto', 'dry', 'fan_only'],
        min_temp: 7,
        max_temp: 35,
        target_temp_step: 1,
        current_temperature: 22,
        temperature: 21,
        current_humidity: 54,
        humidity: 67,
        fan_mode: 'on_high',
        fan_modes: ['on_low', 'on_high', 'auto_low', 'auto_high', 'off'],
        hvac_action: 'cooling',
        swing_mode: 'off',
        swing_modes: ['auto', '1', '2', '3', 'off'],
        supported_features: 441,
      },
      dev('hvac', 'Hvac', 'living_room', 'Demo climate'),
      ['thermostat', 'air conditioning'],
    ),
    ent(
      'climate.ecobee',
      'heat_cool',
      {
        friendly_name: 'Ecobee',
        hvac_modes: ['heat_cool', 'cool', 'heat'],
        min_temp: 7,
        max_temp: 35,
        current_temperature: 23,
        temperature: null,
        target_temp_high: 24,
        target_temp_low: 21,
        preset_mode: 'home',
        preset_modes: ['home', 'eco', 'away'],
        fan_mode: 'auto_low',
        fan_modes: ['on_low', 'on_high', 'auto_low', 'auto_high', 'off'],
        hvac_action: null,
        supported_features: 410,
      },
      dev('ecobee', 'Ecobee', 'hallway', 'Demo climate'),
    ),
    ent(
      'climate.heatpump',
      'heat',
      {
        friendly_name: 'HeatPump',
        hvac_modes: ['heat', 'off'],
        min_temp: 7,
        max_temp: 35,
        current_temperature: 25,
        temperature: 20,
        hvac_action: 'heating',
        supported_features: 385,
      },
      dev('heatpump', 'HeatPump', 'bedroom', 'Demo climate'),
    ),

    ent(
      'media_player.living_room',
      'playing',
      {
        friendly_name: 'Living Room',
        volume_level: 1.0,
        is_volume_muted: false,
        media_content_id: 'bounzz-1',
        media_content_type: 'movie',
        media_duration: 300,
        media_title: 'I Wanna Be A Hippy (Flamman & Abraxas Radio Mix)',
        app_name: 'YouTube',
        sound_mode: 'Music',
        sound_mode_list: ['Music', 'Movie'],
        supported_features: 981951,
      },
      dev('living_room_tv', 'Living Room', 'living_room', 'Demo media player'),
      ['tv', 'television'],
    ),
    ent(
      'media_player.bedroom',
      'playing',
      {
        friendly_name: 'Bedroom',
        volume_level: 1.0,
        is_volume_muted: false,
        media_content_id: 'eyU3bRy2x44',
        media_content_type: 'movie',
        media_duration: 300,
        media_title: '♥♥ The Best Fireplace Video (3 hours)',
        app_name: 'YouTube',
        supported_features: 981951,
      },
      dev('bedroom_tv', 'Bedroom', 'bedroom', 'Demo media player'),
    ),
    ent(
      'media_player.walkman',
      'playing',
      {
        friendly_name: 'Walkman',
        volume_level: 1.0,
        is_volume_muted: false,
        media_content_type: 'music',
        media_duration: 213,
        media_title: 'Wake Me Up',
        media_artist: 'Avicii',
        media_album_name: 'Bounzz',
        media_track: 1,
        supported_features: 793535,
      },
      dev('walkman', 'Walkman', null, 'Demo media player'),
    ),
    ent(
      'media_player.kitchen',
      'playing',
      {
        friendly_name: 'Kitchen',
        volume_level: 1.0,
        is_volume_muted: false,
        media_content_type: 'music',
        media_duration: 213,
        media_title: 'Wake Me Up',
        media_artist: 'Avicii',
        media_album_name: 'Bounzz',
        media_track: 1,
        supported_features: 793535,
      },
      dev('kitchen_speaker', 'Kitchen', 'kitchen', 'Demo media player'),
      ['kitchen speaker'],
    ),

    ent(
      'fan.living_room_fan',
      'on',
      {
        friendly_name: 'Living Room Fan',
        percentage: 67,
        percentage_step: 33.333333333333336,
        preset_mode: null,
        preset_modes: ['auto', 'smart', 'sleep', 'on'],
        oscillating: false,
        direction: 'forward',
        supported_features: 63,
      },
      dev('living_room_fan', 'Living Room Fan', 'living_room', 'Demo fan'),
    ),
    ent(
      'fan.ceiling_fan',
      'off',
      {
        friendly_name: 'Ceiling Fan',
        percentage: 0,
        percentage_step: 1,
        direction: 'forward',
        supported_features: 53,
      },
      dev('ceiling_fan', 'Ceiling Fan', 'bedroom', 'Demo fan'),
    ),

    ent(
      'sensor.outside_temperature',
      '15.6',
      { friendly_name: 'Outside Temperature', device_class: 'temperature', state_class: 'measurement', unit_of_measurement: '°C' },
      dev('outside_sensor', 'Outside', 'garden', 'Demo sensor'),
    ),
    ent(
      'sensor.outside_humidity',
      '54',
      { friendly_name: 'Outside Humidity', device_class: 'humidity', state_class: 'measurement', unit_of_measurement: '%' },
      'demo_outside_sensor',
    ),
    ent(
      'sensor.living_room_temperature',
      '21.4',
      { friendly_name: 'Living Room Temperature', device_class: 'temperature', state_class: 'measurement', unit_of_measurement: '°C' },
      dev('living_room_sensor', 'Living Room Sensor', 'living_room', 'Demo sensor'),
    ),
    ent(
      'sensor.living_room_humidity',
      '45',
      { friendly_name: 'Living Room Humidity', device_class: 'humidity', state_class: 'measurement', unit_of_measurement: '%' },
      'demo_living_room_sensor',
    ),
    ent(
      'sensor.bedroom_temperature',
      '19.8',
      { friendly_name: 'Bedroom Temperature', device_class: 'temperature', state_class: 'measurement', unit_of_measurement: '°C' },
      dev('bedroom_sensor', 'Bedroom Sensor', 'bedroom', 'Demo sensor'),
    ),

    ent(
      'binary_sensor.movement_backyard',
      'off',
      { friendly_name: 'Movement Backyard', device_class: 'motion' },
      dev('movement_backyard', 'Movement Backyard', 'garden', 'Demo binary sensor'),
    ),
    ent(
      'binary_sensor.basement_floor_wet',
      'off',
      { friendly_name: 'Basement Floor Wet', device_class: 'moisture' },
      dev('basement_floor_wet', 'Basement Floor Wet', 'garage', 'Demo binary sensor'),
    ),

    ent(
      'camera.demo_camera',
      'idle',
      {
        friendly_name: 'Demo camera',
        access_token: 'demo-camera-token',
        entity_picture: '/api/camera_proxy/camera.demo_camera',
        supported_features: 2,
      },
      dev('demo_camera', 'Demo camera', 'hallway', 'Demo camera'),
      ['door camera'],
    ),

    ent(
      'vacuum.0_ground_floor',
      'docked',
      {
        friendly_name: '0_Ground_floor',
        battery_level: 100,
        fan_speed: 'medium',
        fan_speed_list: ['min', 'medium', 'high', 'max'],
        supported_features: 16383,
      },
      dev('vacuum_ground', '0_Ground_floor', 'living_room', 'Demo vacuum'),
      ['robot vacuum', 'hoover'],
    ),
    ent(
      'vacuum.1_first_floor',
      'docked',
      {
        friendly_name: '1_First_floor',
        battery_level: 80,
        fan_speed: 'medium',
        fan_speed_list: ['min', 'medium', 'high', 'max'],
        supported_features: 16383,
      },
      dev('vacuum_first', '1_First_floor', 'bedroom', 'Demo vacuum'),
    ),

    ent(
      'weather.demo_weather_south',
      'sunny',
      {
        friendly_name: 'Demo Weather South',
        temperature: 21.6,
        temperature_unit: '°C',
        humidity: 92,
        pressure: 1099,
        pressure_unit: 'hPa',
        wind_speed: 0.5,
        wind_speed_unit: 'km/h',
        visibility_unit: 'km',
        precipitation_unit: 'mm',
        attribution: 'Powered by Home Assistant',
        supported_features: 3,
      },
      null,
    ),
    ent(
      'weather.demo_weather_north',
      'rainy',
      {
        friendly_name: 'Demo Weather North',
        temperature: -3.9,
        temperature_unit: '°C',
        humidity: 54,
        pressure: 987,
        pressure_unit: 'hPa',
        wind_speed: 4.8,
        wind_speed_unit: 'km/h',
        visibility_unit: 'km',
        precipitation_unit: 'mm',
        attribution: 'Powered by Home Assistant',
        supported_features: 3,
      },
      null,
    ),

    ent(
      'person.paulus',
      'home',
      {
        friendly_name: 'Paulus',
        editable: true,
        id: 'paulus',
        latitude: 32.87336,
        longitude: -117.22743,
        gps_accuracy: 20,
        source: 'device_tracker.demo_paulus',
        user_id: 'demo-user-paulus',
      },
      null,
    ),

    ent('input_boolean.guest_mode', 'off', { friendly_name: 'Guest Mode', editable: true, icon: 'mdi:account-multiple' }, null, ['guests']),
    ent('input_boolean.vacation_mode', 'off', { friendly_name: 'Vacation Mode', editable: true, icon: 'mdi:airplane' }, null),

    ent(
      'scene.romantic_lights',
      'unknown',
      { friendly_name: 'Romantic Lights', entity_id: ['light.bed_light', 'light.ceiling_lights'], id: 'romantic_lights' },
      null,
      ['romantic'],
    ),
    ent('script.good_night', 'off', { friendly_name: 'Good Night', mode: 'single', current: 0, last_triggered: null }, null, ['bedtime']),
  ];

  // A user-renamed entity, as happens in real homes: the registry name wins over the original name.
  const wall = entities.find((e) => e.entity_id === 'sensor.bedroom_temperature');
  if (wall) wall.name = 'Bedroom Wall Thermometer';
  // An entity placed in another area than its device.
  const walkman = entities.find((e) => e.entity_id === 'media_player.walkman');
  if (walkman) walkman.area_id = 'office';

  return {
    location_name: 'Home',
    latitude: 32.87336,
    longitude: -117.22743,
    elevation: 0,
    time_zone: 'America/Los_Angeles',
    ha_version: DEMO_HA_VERSION,
    floors,
    areas,
    devices,
    entities,
    scenes: [
      {
        entity_id: 'scene.romantic_lights',
        entities: {
          'light.bed_light': { state: 'on', attributes: { brightness: 120, rgb_color: [255, 100, 80] } },
          'light.ceiling_lights': { state: 'on', attributes: { brightness: 60, color_temp_kelvin: 2700 } },
          'light.kitchen_lights': { state: 'off' },
        },
      },
    ],
    scripts: [
      {
        entity_id: 'script.good_night',
        sequence: [
          { domain: 'light', service: 'turn_off', target: { area_id: ['living_room', 'kitchen', 'hallway'] } },
          { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } },
          { domain: 'media_player', service: 'media_pause', target: { entity_id: 'media_player.living_room' } },
        ],
      },
    ],
    notifiers: ['notify', 'mobile_app_paulus'],
  };
}

/** A fresh copy of the demo home (callers may mutate it freely). */
export function demoHomeSeed(): DemoHomeSeed {
  return structuredClone(buildSeed());
}
