export { notificationDeliveryHandler, notificationPath } from './deliver.ts';
export { LIVE_CHANNELS, LiveHub, liveEvents, liveHubFor } from './live.ts';
export { NOTIFICATION_DELIVERY_JOB, type NotifyInput, notify, notifyInputSchema } from './notify.ts';
export { notifyRegistrationSubmitted } from './registration-submitted.ts';
export {
  REGISTRATION_REMINDER_DAYS,
  REGISTRATION_SWEEP_JOB,
  registrationSweepHandler,
  reminderDue,
  sweepRegistrations,
} from './registrations.ts';
export * from './service.ts';
export {
  isNotificationKind,
  type NotificationKind,
  notificationKinds,
  notificationTemplates,
  renderNotification,
  renderNotificationMail,
} from './templates.ts';
