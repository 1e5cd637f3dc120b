import { describe, expect, it } from 'vitest';
import { readEnv } from './env.server.ts';

describe('mail and job settings', () => {
  it('writes .eml files into <data dir>/outbox without SMTP_URL, and runs jobs by default', () => {
    const env = readEnv({ NODE_ENV: 'test', KONSORT_DATA_DIR: '/srv/konsort' });
    expect(env.smtpUrl).toBeUndefined();
    expect(env.mailOutboxDir).toBe('/srv/konsort/outbox');
    expect(env.mailFrom).toBe('Konsort <no-reply@konsort.local>');
    expect(env.jobs).toBe(true);
  });

  it('takes an smtp:// or smtps:// URL and refuses anything else', () => {
    expect(readEnv({ NODE_ENV: 'test', SMTP_URL: 'smtps://user:secret@mail.example.com:465' }).smtpUrl).toBe(
      'smtps://user:secret@mail.example.com:465',
    );
    expect(() => readEnv({ NODE_ENV: 'test', SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(
      readEnv({ NODE_ENV: 'test', KONSORT_JOBS: 'false', MAIL_FROM: 'Vertrieb <vertrieb@example.com>' }),
    ).toMatchObject({
      jobs: false,
      mailFrom: 'Vertrieb <vertrieb@example.com>',
    });
  });
});
