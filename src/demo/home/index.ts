export { startDemoHome, type DemoHome, type DemoHomeOptions } from './server';
export { HomeModel, compressState, stateDiff, type HomeEvent, type ServiceCallRecord, type NotificationRecord } from './model';
export { HomeError } from './errors';
export { demoHomeSeed, DEMO_HA_VERSION, type DemoHomeSeed } from './seed';
