// A small home shared by the intents tests (not a test file itself).
export const EN_HOME = `
floors:
  - {name: First Floor, id: first}
areas:
  - {name: Kitchen, id: kitchen, floor: first}
  - {name: Living Room, id: living_room, floor: first, aliases: [Lounge]}
  - {name: Bedroom, id: bedroom}
entities:
  - {name: Kitchen Ceiling, id: light.kitchen_ceiling, area: kitchen, state: "on"}
  - {name: Kitchen Counter, id: light.kitchen_counter, area: kitchen, state: "off"}
  - {name: Bedroom Lamp, id: light.bedroom_lamp, area: bedroom, state: "off"}
  - {name: Ceiling Fan, id: fan.ceiling, area: living_room, state: "off"}
  - {name: Front Door, id: lock.front_door, area: kitchen, state: locked}
  - {name: Curtain Left, id: cover.curtain_left, area: living_room, state: open, attributes: {device_class: curtain}}
  - {name: TV, id: media_player.tv, area: living_room, state: playing}
  - {name: Thermostat, id: climate.thermostat, area: living_room, state: heat, attributes: {current_temperature: 21}}
  - {name: "Trader Joe[']s", id: todo.trader_joes, state: ""}
  - {name: Phone, id: binary_sensor.phone_battery, state: {in: low, out: "on"}, attributes: {device_class: battery}}
  - {name: Phone, id: binary_sensor.phone_plug, state: {in: plugged in, out: "on"}, attributes: {device_class: plug}}
  - {name: Front Door Camera, id: camera.front_door, area: kitchen}
  - {name: Party, id: scene.party}
`;

export const ZH_HOME = `
areas:
  - {name: 厨房, id: kitchen}
  - {name: 卧室, id: bedroom}
entities:
  - {name: 卧室灯, id: light.bedroom_lamp, area: bedroom, state: "off"}
  - {name: 厨房灯, id: light.kitchen, area: kitchen, state: "on"}
  - {name: 前门, id: lock.front_door, state: locked}
`;
