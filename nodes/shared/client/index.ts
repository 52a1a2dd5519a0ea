export * from './EdgesClient';
export * from './errors';
export * from './http';
export * from './pagination';
export * from './retry';
export * from './schemas';
export * from './pacer';
