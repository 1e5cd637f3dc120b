/**
 * Mail capture for tests outside this package (the portal's browser journeys): the real SMTP
 * server on loopback that the API's own mail tests use, and ical.js to read the invitations it
 * receives. A separate entry from `./testing`, so the benches that use the factories do not load
 * an SMTP server.
 */
export { default as ICAL } from 'ical.js';
export { type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp.ts';
