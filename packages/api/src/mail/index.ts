export { mailDeliveryHandler, messageOf, registerMailDelivery } from './deliver.ts';
export {
  enqueueMail,
  MAIL_JOB_KIND,
  type MailInput,
  MESSAGE_ID_DOMAIN,
  mailInputSchema,
} from './enqueue-mail.ts';
export { createMailTransport, type MailTransport, type MailTransportOptions } from './transport.ts';
