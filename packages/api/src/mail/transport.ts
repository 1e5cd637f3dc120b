import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface MailTransportOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; without it mails are written as .eml files. */
  smtpUrl?: string | undefined;
  /** Where .eml files go when there is no SMTP server (development default `.data/outbox`). */
  outboxDir: string;
  /** The From header, e.g. `Konsort <no-reply@example.com>`. */
  from: string;
}

export interface SentInfo {
  /** The SMTP server's reply, or the file written. */
  response: string;
}

export interface MailTransport {
  kind: 'smtp' | 'file';
  from: string;
  send(message: Mail.Options): Promise<SentInfo>;
  close(): void;
}

/** A file name from the Message-ID: a resend of the same mail overwrites its own file. */
function fileNameOf(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}

export function createMailTransport(options: MailTransportOptions): MailTransport {
  if (options.smtpUrl) {
    const transporter = nodemailer.createTransport(options.smtpUrl);
    return {
      kind: 'smtp',
      from: options.from,
      async send(message) {
        const info = await transporter.sendMail(message);
        return { response: String(info.response ?? '') };
      },
      close: () => transporter.close(),
    };
  }
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    from: options.from,
    async send(message) {
      const info = await transporter.sendMail(message);
      const raw = info.message as unknown as Buffer;
      await mkdir(options.outboxDir, { recursive: true });
      const target = join(options.outboxDir, fileNameOf(String(message.messageId ?? info.messageId)));
      // Written under a temporary name and renamed: a reader never sees half a message.
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, raw);
      await rename(temp, target);
      return { response: target };
    },
    close: () => transporter.close(),
  };
}
