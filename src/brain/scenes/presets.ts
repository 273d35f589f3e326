// Scene presets for the demo home (src/demo/home/seed.ts): every action is a registered action with valid params.
import type { ActionRequest } from '../../types';

export interface SceneDefinition {
  id: string;
  name: string;
  description?: string;
  actions: ActionRequest[];
}

const ALL_LIGHTS = [
  'light.bed_light',
  'light.ceiling_lights',
  'light.kitchen_lights',
  'light.office_rgbw_lights',
  'light.living_room_rgbww_lights',
  'light.entrance_color_white_lights',
];
const off = (id: string): ActionRequest => ({ action_type: 'device_turn_off', params: { device_id: id } });
const on = (id: string): ActionRequest => ({ action_type: 'device_turn_on', params: { device_id: id } });

export const SCENE_PRESETS: SceneDefinition[] = [
  {
    id: 'home',
    name: 'Home',
    description: 'Welcome home: mode home, living room and entrance lights on, blinds open, 21 °C.',
    actions: [
      { action_type: 'set_mode', params: { mode: 'home' } },
      on('light.living_room_rgbww_lights'),
      on('light.entrance_color_white_lights'),
      { action_type: 'open_cover', params: { device_id: 'cover.living_room_window' } },
      { action_type: 'set_temperature', params: { device_id: 'climate.ecobee', temperature: 21 } },
    ],
  },
  {
    id: 'away',
    name: 'Away',
    description: 'Everyone out: mode away, all lights off, windows closed, doors locked, music stopped.',
    actions: [
      { action_type: 'set_mode', params: { mode: 'away' } },
      ...ALL_LIGHTS.map(off),
      { action_type: 'close_cover', params: { device_id: 'cover.kitchen_window' } },
      { action_type: 'close_cover', params: { device_id: 'cover.hall_window' } },
      { action_type: 'close_cover', params: { device_id: 'cover.living_room_window' } },
      on('lock.front_door'),
      on('lock.kitchen_door'),
      { action_type: 'stop_media', params: { device_id: 'media_player.living_room' } },
    ],
  },
  {
    id: 'sleep',
    name: 'Sleep',
    description: 'Good night: mode night, lights off except a dim bedside light, doors locked, 19 °C.',
    actions: [
      { action_type: 'set_mode', params: { mode: 'night' } },
      ...ALL_LIGHTS.filter((l) => l !== 'light.bed_light').map(off),
      { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 10 } },
      { action_type: 'close_cover', params: { device_id: 'cover.living_room_window' } },
      on('lock.front_door'),
      on('lock.kitchen_door'),
      { action_type: 'pause_media', params: { device_id: 'media_player.living_room' } },
      { action_type: 'set_temperature', params: { device_id: 'climate.ecobee', temperature: 19 } },
    ],
  },
  {
    id: 'movie',
    name: 'Movie',
    description: 'Movie night: living room lights dimmed, ceiling lights off, blinds closed.',
    actions: [
      { action_type: 'set_brightness', params: { device_id: 'light.living_room_rgbww_lights', brightness: 15 } },
      off('light.ceiling_lights'),
      { action_type: 'close_cover', params: { device_id: 'cover.living_room_window' } },
    ],
  },
  {
    id: 'wake',
    name: 'Wake up',
    description: 'Morning: mode home, bedside light up, blinds open, 21 °C.',
    actions: [
      { action_type: 'set_mode', params: { mode: 'home' } },
      { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 80 } },
      { action_type: 'open_cover', params: { device_id: 'cover.living_room_window' } },
      { action_type: 'open_cover', params: { device_id: 'cover.kitchen_window' } },
      { action_type: 'set_temperature', params: { device_id: 'climate.ecobee', temperature: 21 } },
    ],
  },
];
