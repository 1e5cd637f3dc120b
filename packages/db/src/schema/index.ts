export * from './accounts.ts';
export * from './activities.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './collab.ts';
export * from './integrations.ts';
export * from './opportunities.ts';
export * from './partners.ts';
