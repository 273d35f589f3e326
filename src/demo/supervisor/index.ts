export { startSupervisorSimulator, type SupervisorSimulator, type SupervisorSimulatorOptions, type DiscoveryRecord } from './server';
