/**
 * A real SMTP server on loopback for tests (smtp-server), with every accepted message parsed by
 * mailparser. `hold()` makes the server keep the next messages' DATA unanswered until
 * `release(accept)`, to put a crash between the server's acceptance and the sender's commit.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelopeTo: string[];
}

export interface TestSmtpServer {
  url: string;
  /** Messages the server accepted (answered 250), in order. */
  accepted: ReceivedMail[];
  /** Leaves the DATA of the next `count` messages unanswered until `release`. */
  hold(count?: number): void;
  /** Answers the held messages: 250 when `accept`, else 451 (temporary failure). */
  release(accept: boolean): Promise<void>;
  /** How many messages are waiting for an answer. */
  held(): number;
  /** Rejects every following message with this permanent SMTP code (e.g. 550), or stops when null. */
  rejectWith(code: number | null): void;
  close(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const accepted: ReceivedMail[] = [];
  let toHold = 0;
  let rejectCode: number | null = null;
  const waiting: { mail: ReceivedMail; answer: (err?: Error) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mail: ReceivedMail = {
              raw,
              parsed,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            };
            if (rejectCode) {
              const err = Object.assign(new Error('rejected by test server'), { responseCode: rejectCode });
              callback(err);
              return;
            }
            const answer = (err?: Error) => {
              if (!err) accepted.push(mail);
              callback(err ?? null);
            };
            if (toHold > 0) {
              toHold--;
              waiting.push({ mail, answer });
            } else answer();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    hold: (count = Number.POSITIVE_INFINITY) => {
      toHold = count;
    },
    async release(accept) {
      toHold = 0;
      for (const w of waiting.splice(0)) {
        w.answer(accept ? undefined : Object.assign(new Error('try again later'), { responseCode: 451 }));
      }
    },
    held: () => waiting.length,
    rejectWith(code) {
      rejectCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
