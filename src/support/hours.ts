/**
 * Business hours: `hours="Mon-Fri 09:00-17:00; Sat 10:00-14:00"`, read in `time-zone` (an IANA name; the
 * visitor's own zone when absent). A range may cross midnight (`Fri 22:00-02:00`); `Daily` means every day.
 */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface OpeningRule {
  /** Days of the week the range starts on, 0 = Sunday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after midnight. */
  readonly from: number;
  readonly to: number;
}

const time = (h: string, m: string) => Number(h) * 60 + Number(m);

/** The rules of an hours text, or null (with the reason) when it cannot be read. */
export function parseHours(spec: string): { rules: OpeningRule[] } | { error: string } {
  const rules: OpeningRule[] = [];
  for (const part of spec.split(/[;,]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(daily|[a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/i.exec(part);
    if (!m) return { error: `"${part}" is not like "Mon-Fri 09:00-17:00"` };
    const [, first = '', last, h1 = '', m1 = '', h2 = '', m2 = ''] = m;
    const from = time(h1, m1);
    const to = time(h2, m2);
    if (from > 24 * 60 || to > 24 * 60 || Number(m1) > 59 || Number(m2) > 59 || from === to) return { error: `"${part}" has an impossible time` };
    const days = new Set<number>();
    if (first.toLowerCase() === 'daily') {
      if (last) return { error: `"${part}": "Daily" takes no range` };
      for (let d = 0; d < 7; d++) days.add(d);
    } else {
      const a = DAYS.indexOf(first.toLowerCase());
      const b = last ? DAYS.indexOf(last.toLowerCase()) : a;
      if (a < 0 || b < 0) return { error: `"${part}": days are Mon, Tue, Wed, Thu, Fri, Sat, Sun` };
      for (let d = a; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === b) break;
      }
    }
    rules.push({ days, from, to });
  }
  return rules.length ? { rules } : { error: 'no opening hours given' };
}

/** Weekday (0 = Sunday) and minutes after midnight of `now` in `timeZone`. */
export function localTime(now: Date, timeZone?: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday').toLowerCase()), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Open at `now` under `rules`, in `timeZone`. */
export function isOpen(rules: readonly OpeningRule[], now: Date, timeZone?: string): boolean {
  const { day, minutes } = localTime(now, timeZone);
  const yesterday = (day + 6) % 7;
  return rules.some((r) =>
    r.from < r.to
      ? r.days.has(day) && minutes >= r.from && minutes < r.to
      : (r.days.has(day) && minutes >= r.from) || (r.days.has(yesterday) && minutes < r.to),
  );
}
