/** Small pure helpers: dates, times, digits. */

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export { allDigits };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Two-digit years: 70–99 → 19xx, 00–69 → 20xx. */
export function expandYear(yy: number): number {
  return yy >= 70 ? 1900 + yy : 2000 + yy;
}

/** CCYYMMDD. */
export function isDate8(s: string): boolean {
  if (s.length !== 8 || !allDigits(s)) return false;
  return validYmd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
}

/** YYMMDD. */
export function isDate6(s: string): boolean {
  if (s.length !== 6 || !allDigits(s)) return false;
  return validYmd(expandYear(Number(s.slice(0, 2))), Number(s.slice(2, 4)), Number(s.slice(4, 6)));
}

/** HHMM, HHMMSS or HHMMSSd(d): the X12 time formats; EDIFACT uses HHMM. */
export function isTime(s: string): boolean {
  if (!allDigits(s) || (s.length !== 4 && s.length !== 6 && s.length !== 7 && s.length !== 8)) return false;
  const h = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const sec = s.length >= 6 ? Number(s.slice(4, 6)) : 0;
  return h <= 23 && m <= 59 && sec <= 59;
}

/** CCYYMMDD or YYMMDD → YYYY-MM-DD; undefined when invalid. */
export function isoDate(s: string): string | undefined {
  if (isDate8(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  if (isDate6(s)) return `${expandYear(Number(s.slice(0, 2)))}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
  return undefined;
}

/** HHMM… → HH:MM; undefined when invalid. */
export function isoTime(s: string): string | undefined {
  return isTime(s) ? `${s.slice(0, 2)}:${s.slice(2, 4)}` : undefined;
}

/** YYYY-MM-DD → CCYYMMDD. */
export function compactDate(iso: string): string {
  return iso.replace(/-/g, '').slice(0, 8);
}

/** Date → { date: CCYYMMDD, time: HHMM } in UTC. */
export function stamp(now: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    date: `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`,
    time: `${p(now.getUTCHours())}${p(now.getUTCMinutes())}`,
  };
}

/** Shortens a value for error messages and AK404. */
export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// --- in-place checks on a range of a larger string (no allocation) ---------------------------

function digitsAt(text: string, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let k = s; k < e; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function numAt(text: string, s: number, n: number): number {
  let v = 0;
  for (let k = s; k < s + n; k++) v = v * 10 + (text.charCodeAt(k) - 48);
  return v;
}

/** CCYYMMDD in text[s, e). */
export function isDate8At(text: string, s: number, e: number): boolean {
  if (e - s !== 8 || !digitsAt(text, s, e)) return false;
  return validYmd(numAt(text, s, 4), numAt(text, s + 4, 2), numAt(text, s + 6, 2));
}

/** HHMM[SS[d[d]]] in text[s, e). */
export function isTimeAt(text: string, s: number, e: number): boolean {
  const n = e - s;
  if ((n !== 4 && n !== 6 && n !== 7 && n !== 8) || !digitsAt(text, s, e)) return false;
  return numAt(text, s, 2) <= 23 && numAt(text, s + 2, 2) <= 59 && (n < 6 || numAt(text, s + 4, 2) <= 59);
}

/** Optional sign, digits, optional decimal mark (`.` or `mark`) and digits, at least one digit. */
export function isDecimalAt(text: string, s: number, e: number, mark: number): boolean {
  let k = s;
  const first = text.charCodeAt(k);
  if (first === 45 || first === 43) k++;
  let digits = 0;
  let seenMark = false;
  for (; k < e; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) digits++;
    else if ((c === 46 || c === mark) && !seenMark) seenMark = true;
    else return false;
  }
  return digits > 0;
}

/** Optional minus sign and digits. */
export function isIntegerAt(text: string, s: number, e: number): boolean {
  return text.charCodeAt(s) === 45 ? digitsAt(text, s + 1, e) : digitsAt(text, s, e);
}
