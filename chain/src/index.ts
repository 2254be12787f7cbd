export * from './errors.js';
export * from './eventLists.js';
export * from './logCache.js';
export * from './deploymentBlock.js';
export * from './indexer.js';
export * from './requestCounter.js';
