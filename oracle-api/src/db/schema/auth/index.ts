export * from './siweNonces.js';
export * from './validation.js';
