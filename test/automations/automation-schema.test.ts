import { describe, expect, it } from 'vitest';
import {
  AUTOMATION_MESSAGES,
  AUTOMATION_TYPES,
  automationDefinitionSchema,
  DATE_BASED_TYPES,
  EVENT_BASED_TYPES,
  mergeAutomationPatch,
  sendHourOf,
  type AutomationDefinition,
} from '../../shared/domain/automations/automation-schema';
import { automation } from './support/fixtures';

const parse = (input: unknown) => automationDefinitionSchema.safeParse(input);
const issues = (input: unknown) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('automation definitions', () => {
  it('every type parses with its default timing, off, by email, with no content (the default template applies)', () => {
    for (const type of AUTOMATION_TYPES) {
      const input = type === 'seasonal' ? { type, name: 'x', timing: { date: 'christmas' } } : type === 'custom_date' ? { type, name: 'x', timing: { field: 'customer_since' } } : { type, name: 'x' };
      const result = parse(input);
      expect(result.success, type).toBe(true);
      expect(result.data).toMatchObject({ enabled: false, channel: 'email' });
      expect(result.data?.content).toBeUndefined();
    }
    expect(new Set([...DATE_BASED_TYPES, ...EVENT_BASED_TYPES])).toEqual(new Set(AUTOMATION_TYPES));
  });

  it('defaults per type', () => {
    expect(parse({ type: 'birthday', name: 'x' }).data?.timing).toEqual({ daysBefore: 0 });
    expect(parse({ type: 'repair_ready', name: 'x' }).data?.timing).toEqual({ reminderEveryDays: 7, maxReminders: 3 });
    expect(parse({ type: 'appointment_reminder', name: 'x' }).data?.timing).toEqual({ minutesBefore: [1440, 60] });
    expect(parse({ type: 'post_purchase', name: 'x' }).data?.timing).toEqual({ daysAfter: 3 });
    expect(parse({ type: 'reengagement', name: 'x' }).data?.timing).toEqual({ lapseMonths: 6 });
    expect(parse({ type: 'layby_overdue', name: 'x' }).data?.timing).toEqual({ everyDays: 7, maxReminders: 3 });
  });

  it('purpose: service for the service types by default; marketing only for the others', () => {
    for (const type of ['repair_ready', 'appointment_reminder', 'layby_overdue'] as const) {
      expect(parse({ type, name: 'x' }).data?.purpose).toBe('service');
      expect(parse({ type, name: 'x', purpose: 'marketing' }).data?.purpose).toBe('marketing');
    }
    expect(parse({ type: 'birthday', name: 'x' }).data?.purpose).toBe('marketing');
    expect(issues({ type: 'birthday', name: 'x', purpose: 'service' })).toEqual([{ path: 'purpose', message: AUTOMATION_MESSAGES.servicePurpose }]);
  });

  it('errors speak the jeweller’s language and carry their paths', () => {
    expect(issues({ type: 'birthdays', name: 'x' })).toEqual([{ path: 'type', message: AUTOMATION_MESSAGES.unknownType }]);
    expect(issues({ type: 'birthday', name: ' ' })).toEqual([{ path: 'name', message: 'Enter a name' }]);
    expect(issues({ type: 'birthday', name: 'x', timing: { daysBefore: -1 } })).toEqual([{ path: 'timing.daysBefore', message: 'Enter at least 0' }]);
    expect(issues({ type: 'birthday', name: 'x', timing: { sendHour: 24 } })).toEqual([{ path: 'timing.sendHour', message: 'Enter at most 23' }]);
    expect(issues({ type: 'custom_date', name: 'x', timing: { field: 'customer_since', daysBefore: 1, daysAfter: 1 } })).toEqual([
      { path: 'timing.daysAfter', message: AUTOMATION_MESSAGES.beforeOrAfter },
    ]);
    expect(issues({ type: 'appointment_reminder', name: 'x', timing: { minutesBefore: [60, 60] } })).toEqual([
      { path: 'timing.minutesBefore', message: 'Enter each reminder time once' },
    ]);
    expect(issues({ type: 'birthday', name: 'x', timing: { lapseMonths: 3 } })[0]?.path).toBe('timing');
  });

  it('audience: a saved segment or an inline rule (validated by the segment engine, with paths), not both', () => {
    expect(parse({ type: 'birthday', name: 'x', audience: { segmentId: 'S1' } }).success).toBe(true);
    expect(parse({ type: 'birthday', name: 'x', audience: { rule: { type: 'tags', tags: ['VIP'] } } }).data?.audience).toEqual({
      rule: { type: 'tags', tags: ['vip'], match: 'any' },
    });
    expect(issues({ type: 'birthday', name: 'x', audience: { rule: { and: [{ type: 'vip', percent: 0 }] } } })).toEqual([
      { path: 'audience.rule.and.0.percent', message: 'Enter a positive value' },
    ]);
    expect(issues({ type: 'birthday', name: 'x', audience: { segmentId: 'S1', rule: { type: 'vip' } } })).toEqual([
      { path: 'audience', message: AUTOMATION_MESSAGES.audience },
    ]);
  });

  it('content must match the channel; departments are normalised like purchase lines', () => {
    expect(issues({ type: 'birthday', name: 'x', channel: 'sms', content: { subject: 's', html: '<p>h</p>' } })).toEqual([
      { path: 'content', message: 'An SMS has a text body only: {"text": ...}' },
    ]);
    expect(parse({ type: 'post_purchase', name: 'x', timing: { departments: ['Engagement Rings'] } }).data?.timing).toMatchObject({
      departments: ['engagement_rings'],
    });
  });

  it('an edit replaces the fields sent, clears with null, and is validated again as a whole', () => {
    const current = parse({ type: 'birthday', name: 'B', audience: { segmentId: 'S1' }, timing: { daysBefore: 3 } }).data as AutomationDefinition;
    const edited = mergeAutomationPatch(current, { name: 'Birthday', audience: null, timing: { sendHour: 9 } });
    expect(edited.data).toMatchObject({ name: 'Birthday', timing: { daysBefore: 0, sendHour: 9 } });
    expect(edited.data?.audience).toBeUndefined();
    expect(mergeAutomationPatch(current, { purpose: 'service' }).success).toBe(false);
    expect(mergeAutomationPatch(current, { timing: { daysBefore: 99 } }).success).toBe(false);
  });

  it("the send hour is the automation's own, else the tenant's", () => {
    expect(sendHourOf(automation({ type: 'birthday', name: 'x' }), 9)).toBe(9);
    expect(sendHourOf(automation({ type: 'birthday', name: 'x', timing: { sendHour: 0 } }), 9)).toBe(0);
  });
});
