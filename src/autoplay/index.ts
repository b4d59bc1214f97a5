export * from './pick';
export * from './service';
