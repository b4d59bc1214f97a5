export * from './keys';
export * from './schema';
export * from './lease';
export * from './store';
export { registerScripts } from './scripts';
export { connectRedis } from './redis';
export * from './guild-index';
