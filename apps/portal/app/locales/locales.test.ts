import { describe, expect, it } from 'vitest';
import { de } from './de.ts';
import { en } from './en.ts';

describe('translations', () => {
  it('German and English define the same keys', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('no translation is empty and placeholders match', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(de[key].trim(), key).not.toBe('');
      expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('uses the agreed German terms', () => {
    expect(de['nav.accounts']).toBe('Firmen');
    expect(de['nav.contacts']).toBe('Kontakte');
    expect(de['stage.proposal']).toBe('Angebot');
    expect(de['stage.negotiation']).toBe('Verhandlung');
    expect(de['opportunity.expectedCloseDate']).toBe('Abschluss erwartet');
    expect(de['common.save']).toBe('Speichern');
    expect(de['nav.logout']).toBe('Abmelden');
  });
});
