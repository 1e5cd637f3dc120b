import { describe, expect, it } from 'vitest';
import { safeRedirect } from './session.server.ts';

describe('safeRedirect', () => {
  it('keeps same-site relative paths', () => {
    expect(safeRedirect('/accounts?q=x')).toBe('/accounts?q=x');
  });
  it('refuses anything that leaves the site', () => {
    for (const to of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
      null,
    ]) {
      expect(safeRedirect(to)).toBe('/');
    }
  });
});
