import { describe, expect, it } from 'vitest';
import { berlinLocalToDate } from './activities.server.ts';

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
