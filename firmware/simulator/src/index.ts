export * from './fleet.js';
export * from './client.js';
export * from './runFleet.js';
