export * from './frame';
export * from './info';
export * from './server';
export * from './client';
