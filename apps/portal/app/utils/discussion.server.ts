/**
 * Notifications and deal comments for loaders and actions (server-only, like api.server.ts).
 * Named re-exports: with two `export *` from external modules the server bundle cannot tell
 * which module provides which name.
 */
export {
  createComment,
  createCommentInput,
  deleteComment,
  listComments,
  mentionableUsers,
  updateComment,
  updateCommentInput,
} from '@konsort/api/comments';
export {
  listNotifications,
  markAllNotificationsRead,
  markNotificationsRead,
  notificationKinds,
  notificationPreferencesOf,
  setNotificationPreference,
  unreadNotificationCount,
} from '@konsort/api/notifications';
