/**
 * What a campaign is made of, as the API takes it: channel, content (a saved template or inline Liquid), recipients
 * and an optional planned send time. Shapes are told apart by their keys (`templateId` vs `subject`/`html`;
 * `segmentId` vs `rule` vs `tags` ...), so the JSON stays as plain as the segment rules'.
 */
import { z } from 'zod';
import { tagsSchema } from '../customers/customer-schema';
import { ruleField } from '../segments/validate-rule';
import { timeZoneSchema } from '../tenants/settings';
import { normaliseLocalDateTime } from './schedule-time';

export const CAMPAIGN_CHANNELS = ['email', 'sms'] as const;
export const campaignChannelSchema = z.enum(CAMPAIGN_CHANNELS);
export type CampaignChannel = z.infer<typeof campaignChannelSchema>;

/** Hand-picked lists are stored on the campaign item (400 KB limit), so they stay short; bigger lists are segments. */
export const MAX_MANUAL_RECIPIENTS = 1000;

const entityId = z.string().min(1).max(64);

export const templateContentSchema = z
  .strictObject({ templateId: entityId.describe('A saved template of the same channel') })
  .meta({ id: 'CampaignTemplateContent' });

export const inlineEmailContentSchema = z
  .strictObject({
    subject: z.string().trim().min(1, 'Enter a subject').max(200),
    html: z.string().min(1, 'Enter the message').max(200_000),
    text: z.string().max(100_000).optional().describe('Plain-text body; derived from the HTML when absent'),
    preheader: z.string().max(200).optional().describe('Inbox preview line'),
  })
  .meta({ id: 'CampaignEmailContent', description: 'Inline email content: Liquid source, as in templates' });

export const inlineSmsContentSchema = z
  .strictObject({ text: z.string().min(1, 'Enter the message').max(1600) })
  .meta({ id: 'CampaignSmsContent', description: 'Inline SMS content: Liquid source' });

/**
 * A union told apart by the keys the object has. zod's own union answers a bare "Invalid input" once every branch
 * fails; this one validates against the branch the client evidently meant (`pick`), so its errors keep their paths
 * (`recipients.rule.and[0].type`), and falls back to the union's message when no branch is recognisable.
 */
function keyedUnion<const Branches extends readonly [z.ZodType, ...z.ZodType[]]>(
  branches: Branches,
  pick: (value: Readonly<Record<string, unknown>>) => number | undefined,
  message: string,
) {
  return z.preprocess((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const index = pick(value as Record<string, unknown>);
    const branch = index === undefined ? undefined : branches[index];
    if (!branch) return value;
    const result = branch.safeParse(value);
    if (result.success) return value;
    for (const issue of result.error.issues) {
      ctx.issues.push({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  }, z.union(branches, { error: message }));
}

const firstKeyOf = (keys: readonly (readonly string[])[]) => (value: Readonly<Record<string, unknown>>) => {
  const index = keys.findIndex((names) => names.some((name) => Object.hasOwn(value, name)));
  return index === -1 ? undefined : index;
};

export const campaignContentSchema = keyedUnion(
  [templateContentSchema, inlineEmailContentSchema, inlineSmsContentSchema],
  firstKeyOf([['templateId'], ['subject', 'html', 'preheader'], ['text']]),
  'Send either {"templateId": ...}, or an inline {"subject", "html"} for email, or {"text"} for SMS',
).meta({ id: 'CampaignContent' });
export type CampaignContent = z.output<typeof campaignContentSchema>;

const tagList = tagsSchema.refine((tags) => tags.length > 0, 'Enter at least one tag');

export const campaignRecipientsSchema = keyedUnion(
  [
    z.strictObject({ all: z.literal(true).describe('Everyone in the book') }),
    z.strictObject({ segmentId: entityId.describe('A saved segment, evaluated when the campaign sends') }),
    z.strictObject({ rule: ruleField.describe('An inline segment rule, evaluated when the campaign sends') }),
    z.strictObject({
      tags: keyedUnion(
        [z.strictObject({ any: tagList }), z.strictObject({ all: tagList })],
        firstKeyOf([['any'], ['all']]),
        'Enter {"any": [tags]} or {"all": [tags]}',
      ),
    }),
    z.strictObject({
      customerIds: z
        .array(entityId)
        .min(1, 'Enter at least one customer')
        .max(MAX_MANUAL_RECIPIENTS, `At most ${MAX_MANUAL_RECIPIENTS} customers; use a segment for more`)
        .transform((ids) => [...new Set(ids)]),
    }),
  ],
  firstKeyOf([['all'], ['segmentId'], ['rule'], ['tags'], ['customerIds']]),
  'Choose the recipients: {"all": true}, {"segmentId": ...}, {"rule": ...}, {"tags": {"any" | "all": [...]}} or {"customerIds": [...]}',
).meta({
  id: 'CampaignRecipients',
  description: 'Who receives it, decided when it sends; consent and suppression are checked per recipient then',
});
export type CampaignRecipients = z.output<typeof campaignRecipientsSchema>;

export const campaignScheduleSchema = z
  .strictObject({
    at: z
      .string()
      .transform((value, ctx) => {
        const normalised = normaliseLocalDateTime(value);
        if (normalised === undefined) {
          ctx.addIssue({ code: 'custom', message: 'Enter a local date and time such as 2025-02-14T10:00' });
          return z.NEVER;
        }
        return normalised;
      })
      .describe('Local date and time, without offset: `2025-02-14T10:00`'),
    timeZone: timeZoneSchema.optional().describe("IANA time zone of `at`; the tenant's time zone when absent"),
  })
  .meta({ id: 'CampaignSchedule' });
export type CampaignSchedule = z.output<typeof campaignScheduleSchema>;

export const campaignNameSchema = z.string().trim().min(1, 'Enter a name').max(120);
export const campaignDescriptionSchema = z.string().trim().max(500);

/** A campaign's content must be of its channel: an inline email needs a subject and HTML, an SMS only text. */
export function contentChannelProblem(channel: CampaignChannel, content: CampaignContent): string | undefined {
  if ('templateId' in content) return undefined;
  const isEmail = 'subject' in content;
  if (channel === 'email' && !isEmail) return 'An email needs a subject and an HTML body';
  if (channel === 'sms' && isEmail) return 'An SMS has a text body only: {"text": ...}';
  return undefined;
}

export const campaignCreateSchema = z
  .strictObject({
    name: campaignNameSchema,
    description: campaignDescriptionSchema.optional(),
    channel: campaignChannelSchema.default('email'),
    content: campaignContentSchema,
    recipients: campaignRecipientsSchema,
    schedule: campaignScheduleSchema.optional().describe('Planned send time; `POST .../schedule` puts it on the calendar'),
  })
  .superRefine((campaign, ctx) => {
    const problem = contentChannelProblem(campaign.channel, campaign.content);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['content'] });
  })
  .meta({ id: 'CampaignCreate' });
export type CampaignCreate = z.output<typeof campaignCreateSchema>;

/** Fields sent replace the stored ones; `null` clears `description` or `schedule`. */
export const campaignPatchSchema = z
  .strictObject({
    name: campaignNameSchema.optional(),
    description: campaignDescriptionSchema.nullable().optional(),
    channel: campaignChannelSchema.optional(),
    content: campaignContentSchema.optional(),
    recipients: campaignRecipientsSchema.optional(),
    schedule: campaignScheduleSchema.nullable().optional(),
  })
  .meta({ id: 'CampaignPatch' });
export type CampaignPatch = z.output<typeof campaignPatchSchema>;
