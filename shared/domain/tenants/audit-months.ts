/** Audit entries live in one partition per month (`YYYY-MM`); a time range reads these partitions, newest first. */
export function auditMonthsNewestFirst(fromIso: string, toIso: string): string[] {
  const months: string[] = [];
  let year = Number(toIso.slice(0, 4));
  let month = Number(toIso.slice(5, 7));
  const first = fromIso.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    if (label < first) break;
    months.push(label);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

export const DEFAULT_AUDIT_RANGE_DAYS = 90;
/** Longest range one request may span: keeps a request to a bounded number of partition reads. */
export const MAX_AUDIT_RANGE_MONTHS = 36;

export interface AuditRange {
  from: string;
  to: string;
}

/**
 * Turns the query's `from` / `to` (a calendar date or a date-time) into an inclusive ISO range comparable with the
 * entries' `at`. A bare date means the whole UTC day.
 */
export function auditRange(from: string | undefined, to: string | undefined, now: Date): AuditRange | { error: string } {
  const toIso = to === undefined ? now.toISOString() : boundary(to, 'end');
  const fromIso =
    from === undefined
      ? new Date(Date.parse(toIso) - DEFAULT_AUDIT_RANGE_DAYS * 86_400_000).toISOString()
      : boundary(from, 'start');
  if (fromIso > toIso) return { error: '`from` is after `to`' };
  if (auditMonthsNewestFirst(fromIso, toIso).length > MAX_AUDIT_RANGE_MONTHS) {
    return { error: `The range spans more than ${MAX_AUDIT_RANGE_MONTHS} months` };
  }
  return { from: fromIso, to: toIso };
}

function boundary(value: string, side: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${side === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`;
  return new Date(value).toISOString();
}
