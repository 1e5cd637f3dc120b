/** Calendar arithmetic in the team's time zone (Europe/Berlin), shared by the calendar pages. */
export const TEAM_ZONE = 'Europe/Berlin';

function parts(at: Date, timeZone = TEAM_ZONE) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>;
  return p;
}

/** "2026-12-01" + "10:30" in Berlin → the UTC instant (DST-correct); null for malformed input. */
export function zonedToUtc(date: string, time: string, timeZone = TEAM_ZONE): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59) return null;
  const wanted = Date.UTC(y, mo - 1, da, h, mi);
  let guess = wanted;
  // Two rounds settle the zone offset, also next to a DST switch.
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** The calendar day ("YYYY-MM-DD") of an instant in Berlin. */
export function dayOf(at: Date): string {
  const p = parts(at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function timeOf(at: Date): string {
  const p = parts(at);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** Plain date arithmetic on "YYYY-MM-DD" (no zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week containing `day`. */
export function weekStart(day: string): string {
  const wd = new Date(`${day}T12:00:00Z`).getUTCDay();
  return addDays(day, -((wd + 6) % 7));
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** "Name <mail@x>" or "mail@x" per line → external participants. */
export function parseGuests(text: string): { email: string; name: string }[] | null {
  const out: { email: string; name: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(?:(.+?)\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))$/.exec(line);
    if (!m) return null;
    const email = (m[2] ?? m[3])!;
    out.push({ email, name: (m[1] ?? email).replace(/^"|"$/g, '') });
  }
  return out;
}
