/**
 * What an automation is, as the API takes it: a type with its own timing, plus what every automation has (name,
 * on/off, purpose, channel, content, optional audience, re-entry policy). The union is told apart by `type`, so each
 * type's timing is validated with its own defaults and errors keep their paths (`timing.daysBefore`).
 *
 *   {"type": "birthday", "name": "Birthday wishes", "timing": {"daysBefore": 7}}
 *   {"type": "post_purchase", "name": "Pearl care", "timing": {"daysAfter": 3, "departments": ["pearls"]}}
 *   {"type": "seasonal", "name": "Mother's Day", "timing": {"date": "mothers_day", "daysBefore": 10},
 *    "audience": {"segmentId": "..."}}
 *
 * `enabledAt` is not part of the request: the service stamps it when the automation is switched on
 * (./enablement.ts), because it decides which occurrences fire (never the backlog).
 */
import { z } from 'zod';
import { campaignChannelSchema, campaignContentSchema, contentChannelProblem } from '../campaigns/campaign-schema';
import { normaliseDepartment } from '../records/catalogue';
import { ruleField } from '../segments/validate-rule';
import { SEASONAL_DATES } from './seasonal-dates';

export const AUTOMATION_TYPES = [
  'birthday',
  'anniversary',
  'wedding_anniversary',
  'repair_ready',
  'reengagement',
  'post_purchase',
  'appointment_reminder',
  'layby_overdue',
  'seasonal',
  'custom_date',
] as const;
export type AutomationType = (typeof AUTOMATION_TYPES)[number];

/** Types whose messages are about the customer's own business with the store, and may therefore be sent as service. */
export const SERVICE_CAPABLE_TYPES = ['repair_ready', 'appointment_reminder', 'layby_overdue'] as const satisfies readonly AutomationType[];
export const isServiceCapable = (type: AutomationType) => (SERVICE_CAPABLE_TYPES as readonly AutomationType[]).includes(type);

/** Types the runner evaluates against the book on its schedule; the others react to the book's domain events. */
export const DATE_BASED_TYPES = ['birthday', 'anniversary', 'wedding_anniversary', 'reengagement', 'seasonal', 'custom_date'] as const satisfies readonly AutomationType[];
export const EVENT_BASED_TYPES = ['repair_ready', 'post_purchase', 'appointment_reminder', 'layby_overdue'] as const satisfies readonly AutomationType[];
export type DateBasedType = (typeof DATE_BASED_TYPES)[number];
export type EventBasedType = (typeof EVENT_BASED_TYPES)[number];
export const isDateBased = (type: AutomationType): type is DateBasedType => (DATE_BASED_TYPES as readonly AutomationType[]).includes(type);

/** Date fields of a customer a `custom_date` automation can celebrate each year. */
export const CUSTOM_DATE_FIELDS = ['customer_since', 'first_purchase', 'wedding_date'] as const;
export type CustomDateField = (typeof CUSTOM_DATE_FIELDS)[number];

export const AUTOMATION_MESSAGES = {
  unknownType: 'Choose a valid automation type',
  servicePurpose: 'Only repair_ready, appointment_reminder and layby_overdue may be sent as service messages',
  audience: 'Send either {"segmentId": ...} or {"rule": ...}',
  beforeOrAfter: 'Choose daysBefore or daysAfter, not both',
} as const;

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: 'Enter a whole number' })
    .int({ error: 'Enter a whole number' })
    .min(min, { error: `Enter at least ${min}` })
    .max(max, { error: `Enter at most ${max}` });

const sendHour = wholeNumber(0, 23).optional().describe("Local hour (tenant time zone) the message goes out; the tenant's default send hour when absent");
const daysBefore = (max: number) => wholeNumber(0, max).default(0).describe('Days before the date (0: on the day)');

const annualTiming = z.strictObject({ daysBefore: daysBefore(60), sendHour });

const timingSchemas = {
  birthday: annualTiming,
  anniversary: annualTiming,
  wedding_anniversary: annualTiming,
  seasonal: z.strictObject({
    date: z.enum(SEASONAL_DATES, { error: `Choose a date: ${SEASONAL_DATES.join(', ')}` }).describe("Named date, in the tenant's country"),
    daysBefore: daysBefore(60),
    sendHour,
  }),
  custom_date: z
    .strictObject({
      field: z.enum(CUSTOM_DATE_FIELDS, { error: `Choose a date field: ${CUSTOM_DATE_FIELDS.join(', ')}` }),
      daysBefore: wholeNumber(0, 60).optional().describe('Days before the yearly date (default: on the day)'),
      daysAfter: wholeNumber(0, 60).optional().describe('Days after the yearly date'),
      sendHour,
    })
    .refine((timing) => timing.daysBefore === undefined || timing.daysAfter === undefined, {
      message: AUTOMATION_MESSAGES.beforeOrAfter,
      path: ['daysAfter'],
    }),
  reengagement: z.strictObject({
    lapseMonths: wholeNumber(1, 60).default(6).describe('A customer lapses this many months after their last purchase'),
    sendHour,
  }),
  post_purchase: z.strictObject({
    daysAfter: wholeNumber(0, 730).default(3).describe('Days after the purchase (335: an insurance valuation reminder after 11 months)'),
    departments: z
      .array(z.string().trim().min(1, 'Enter a department').max(60).overwrite(normaliseDepartment))
      .min(1, 'Choose at least one department')
      .max(50)
      .optional()
      .describe('Only purchases with a line in one of these departments (default: every purchase)'),
    sendHour,
  }),
  repair_ready: z.strictObject({
    reminderEveryDays: wholeNumber(1, 60).default(7).describe('Days between reminders while the repair is not collected'),
    maxReminders: wholeNumber(0, 10).default(3).describe('Reminders after the ready notice, at most'),
    sendHour: sendHour.describe('Local hour of the reminders; the ready notice goes at once'),
  }),
  appointment_reminder: z.strictObject({
    minutesBefore: z
      .array(wholeNumber(5, 20_160))
      .min(1, 'Enter at least one reminder time')
      .max(5)
      .refine((offsets) => new Set(offsets).size === offsets.length, 'Enter each reminder time once')
      .default([1440, 60])
      .describe('One reminder per entry, this many minutes before the start (default 24 h and 1 h)'),
  }),
  layby_overdue: z.strictObject({
    everyDays: wholeNumber(1, 90).default(7).describe('Days between reminders while the lay-by is overdue'),
    maxReminders: wholeNumber(0, 26).default(3).describe('Reminders after the first overdue notice, at most'),
    sendHour,
  }),
} as const satisfies Record<AutomationType, z.ZodType>;

export type TimingOf<T extends AutomationType> = z.output<(typeof timingSchemas)[T]>;

const entityId = z.string().min(1).max(64);

export const automationAudienceSchema = z
  .strictObject({
    segmentId: entityId.optional().describe('A saved segment, evaluated when the automation fires'),
    rule: ruleField.optional().describe('An inline segment rule, evaluated when the automation fires'),
  })
  .refine((audience) => (audience.segmentId === undefined) !== (audience.rule === undefined), AUTOMATION_MESSAGES.audience)
  .meta({ id: 'AutomationAudience', description: 'Only customers in this segment (default: everyone the type applies to)' });
export type AutomationAudience = z.output<typeof automationAudienceSchema>;

export const reentryPolicySchema = z
  .strictObject({
    minDaysBetween: wholeNumber(1, 365).describe('At most one message from this automation per customer in this many days'),
  })
  .meta({ id: 'AutomationReentry', description: 'Every occurrence fires at most once regardless; this adds a per-customer spacing' });
export type ReentryPolicy = z.output<typeof reentryPolicySchema>;

const common = {
  name: z.string().trim().min(1, 'Enter a name').max(120),
  enabled: z.boolean().default(false).describe('On: occurrences falling due from the day it is switched on fire'),
  channel: campaignChannelSchema.default('email'),
  content: campaignContentSchema.optional().describe("A saved template or inline content; the type's default template when absent"),
  audience: automationAudienceSchema.optional(),
  reentry: reentryPolicySchema.optional(),
};

const marketingOnly = z.literal('marketing', { error: AUTOMATION_MESSAGES.servicePurpose }).default('marketing');
const serviceCapable = z.enum(['marketing', 'service'], { error: 'Choose marketing or service' }).default('service');

function branch<T extends AutomationType, S extends z.ZodType, P extends z.ZodType>(type: T, timing: S, purpose: P) {
  return z.strictObject({ type: z.literal(type), ...common, purpose, timing: z.prefault(timing, {} as z.input<S>) });
}

const branches = [
  branch('birthday', timingSchemas.birthday, marketingOnly),
  branch('anniversary', timingSchemas.anniversary, marketingOnly),
  branch('wedding_anniversary', timingSchemas.wedding_anniversary, marketingOnly),
  branch('repair_ready', timingSchemas.repair_ready, serviceCapable),
  branch('reengagement', timingSchemas.reengagement, marketingOnly),
  branch('post_purchase', timingSchemas.post_purchase, marketingOnly),
  branch('appointment_reminder', timingSchemas.appointment_reminder, serviceCapable),
  branch('layby_overdue', timingSchemas.layby_overdue, serviceCapable),
  branch('seasonal', timingSchemas.seasonal, marketingOnly),
  branch('custom_date', timingSchemas.custom_date, marketingOnly),
] as const;

export const automationDefinitionSchema = z
  .discriminatedUnion('type', branches, { error: AUTOMATION_MESSAGES.unknownType })
  .superRefine((automation, ctx) => {
    if (automation.content === undefined) return;
    const problem = contentChannelProblem(automation.channel, automation.content);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['content'] });
  })
  .meta({ id: 'AutomationDefinition' });

export type AutomationDefinition = z.output<typeof automationDefinitionSchema>;
export type AutomationDefinitionInput = z.input<typeof automationDefinitionSchema>;
export type AutomationPurpose = AutomationDefinition['purpose'];
export type DefinitionOf<T extends AutomationType> = Extract<AutomationDefinition, { type: T }>;

/**
 * A stored automation as the pure core sees it. `enabledAt`: the moment it was last switched on (absent while it has
 * never been on); only occurrences due on or after that local day fire.
 */
export type Automation = AutomationDefinition & {
  automationId: string;
  enabledAt?: string;
};
export type AutomationOf<T extends AutomationType> = Extract<Automation, { type: T }>;

/**
 * An edit: the fields sent replace the stored ones (`timing` as a whole, `null` clears `audience`, `content` or
 * `reentry`); the type never changes. The merged result is validated again with the type's schema
 * (`mergeAutomationPatch`), so defaults and cross-field rules hold after every edit.
 */
export const automationPatchSchema = z
  .strictObject({
    name: common.name.optional(),
    enabled: z.boolean().optional(),
    purpose: z.enum(['marketing', 'service']).optional(),
    channel: campaignChannelSchema.optional(),
    content: campaignContentSchema.nullable().optional(),
    audience: automationAudienceSchema.nullable().optional(),
    reentry: reentryPolicySchema.nullable().optional(),
    timing: z.record(z.string(), z.unknown()).optional().describe("The type's timing, replacing the stored one"),
  })
  .meta({ id: 'AutomationPatch' });
export type AutomationPatch = z.output<typeof automationPatchSchema>;

export function mergeAutomationPatch(current: AutomationDefinition, patch: AutomationPatch) {
  const merged: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return automationDefinitionSchema.safeParse(merged);
}

/** The local hour an automation's messages go out: its own, else the tenant's default. */
export function sendHourOf(automation: Automation, tenantDefaultSendHour: number): number {
  const timing = automation.timing as { sendHour?: number };
  return timing.sendHour ?? tenantDefaultSendHour;
}
