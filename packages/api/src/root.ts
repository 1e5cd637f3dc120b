import { accountRouter } from './routers/account.ts';
import { activityRouter } from './routers/activity.ts';
import { addressCaptureRouter } from './routers/addressCapture.ts';
import { apiKeyRouter } from './routers/apiKey.ts';
import { authRouter } from './routers/auth.ts';
import { automationRouter } from './routers/automation.ts';
import { calendarRouter } from './routers/calendar.ts';
import { commentRouter } from './routers/comment.ts';
import { contactRouter } from './routers/contact.ts';
import { csvImportRouter } from './routers/csvImport.ts';
import { dashboardRouter } from './routers/dashboard.ts';
import { documentRouter } from './routers/document.ts';
import { ediRouter } from './routers/edi.ts';
import { gdprRouter } from './routers/gdpr.ts';
import { invitationRouter } from './routers/invitation.ts';
import { leadRouter } from './routers/lead.ts';
import { notificationRouter } from './routers/notification.ts';
import { opportunityRouter } from './routers/opportunity.ts';
import { orderRouter } from './routers/order.ts';
import { productRouter } from './routers/product.ts';
import { quoteRouter } from './routers/quote.ts';
import { registrationRouter } from './routers/registration.ts';
import { reportRouter } from './routers/report.ts';
import { shareRouter } from './routers/share.ts';
import { targetRouter } from './routers/target.ts';
import { userRouter } from './routers/user.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  account: accountRouter,
  contact: contactRouter,
  opportunity: opportunityRouter,
  dashboard: dashboardRouter,
  document: documentRouter,
  apiKey: apiKeyRouter,
  edi: ediRouter,
  order: orderRouter,
  product: productRouter,
  quote: quoteRouter,
  automation: automationRouter,
  calendar: calendarRouter,
  share: shareRouter,
  registration: registrationRouter,
  notification: notificationRouter,
  comment: commentRouter,
  csvImport: csvImportRouter,
  addressCapture: addressCaptureRouter,
  invitation: invitationRouter,
  lead: leadRouter,
  gdpr: gdprRouter,
  activity: activityRouter,
  target: targetRouter,
  report: reportRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
