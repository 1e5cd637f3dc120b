/** Scheduling of a sent quote's follow-ups (kept apart so quotes.ts can call it without a cycle). */
import { type Quote, quoteFollowups, type Transaction } from '@konsort/db';
import { eq } from 'drizzle-orm';
import { enqueue } from '../jobs/runner.ts';
import { readSetting } from './settings.ts';

export const QUOTE_FOLLOW_UP_JOB = 'automation.quoteFollowUp';
export const QUOTE_NO_RESPONSE_JOB = 'automation.quoteNoResponse';
const DAY = 86_400_000;

/** Called in the transaction that marks a quote sent: schedules its follow-up stages and the close. */
export async function scheduleQuoteFollowUps(tx: Transaction, quote: Quote): Promise<void> {
  const settings = await readSetting(tx, 'followUp');
  if (!settings.enabled || !quote.sentAt || settings.stages.length === 0) return;
  const sentAt = quote.sentAt.toISOString();
  // A re-sent quote (new version) starts its follow-ups afresh.
  await tx.delete(quoteFollowups).where(eq(quoteFollowups.quoteId, quote.id));
  for (const [stage, s] of settings.stages.entries()) {
    await enqueue(tx, {
      kind: QUOTE_FOLLOW_UP_JOB,
      payload: { quoteId: quote.id, sentAt, stage },
      runAt: new Date(quote.sentAt.getTime() + s.day * DAY),
      dedupeKey: `quote-followup:${quote.id}:${sentAt}:${stage}`,
    });
  }
  const lastDay = settings.stages[settings.stages.length - 1]!.day;
  await enqueue(tx, {
    kind: QUOTE_NO_RESPONSE_JOB,
    payload: { quoteId: quote.id, sentAt },
    runAt: new Date(quote.sentAt.getTime() + (lastDay + settings.closeAfterDays) * DAY),
    dedupeKey: `quote-no-response:${quote.id}:${sentAt}`,
  });
}
