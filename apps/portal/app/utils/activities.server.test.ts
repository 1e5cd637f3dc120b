import { describe, expect, it } from 'vitest';
import { berlinLocalToDate, dateToBerlinLocal } from './activities.server.ts';

describe('berlinLocalToDate', () => {
  it('reads a form’s datetime-local value as Berlin wall-clock time, winter and summer', () => {
    expect(berlinLocalToDate('2026-01-15T09:30')?.toISOString()).toBe('2026-01-15T08:30:00.000Z');
    expect(berlinLocalToDate('2026-07-15T09:30')?.toISOString()).toBe('2026-07-15T07:30:00.000Z');
    // The day the clocks go forward (29 March 2026, 02:00 → 03:00): 03:30 is CEST.
    expect(berlinLocalToDate('2026-03-29T03:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(berlinLocalToDate('2026-03-29T01:30')?.toISOString()).toBe('2026-03-29T00:30:00.000Z');
  });

  it('refuses anything else', () => {
    expect(berlinLocalToDate('2026-01-15')).toBeNull();
    expect(berlinLocalToDate('15.01.2026 09:30')).toBeNull();
    expect(berlinLocalToDate('')).toBeNull();
  });
});

describe('dateToBerlinLocal', () => {
  it('shows a stored moment as the Berlin wall-clock value the edit form fills in, and back', () => {
    expect(dateToBerlinLocal(new Date('2026-01-15T08:30:00Z'))).toBe('2026-01-15T09:30');
    expect(dateToBerlinLocal(new Date('2026-07-15T07:30:00Z'))).toBe('2026-07-15T09:30');
    // Midnight in Berlin is the previous day in UTC.
    expect(dateToBerlinLocal(new Date('2026-12-31T23:15:00Z'))).toBe('2027-01-01T00:15');
    expect(dateToBerlinLocal(null)).toBe('');
    for (const value of ['2026-03-29T03:30', '2026-10-25T12:00', '2027-02-28T23:59'])
      expect(dateToBerlinLocal(berlinLocalToDate(value))).toBe(value);
  });
});
