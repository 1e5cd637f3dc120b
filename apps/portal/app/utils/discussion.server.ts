/** Notifications and deal comments for loaders and actions (server-only, like api.server.ts). */
export * from '@konsort/api/comments';
export * from '@konsort/api/notifications';
