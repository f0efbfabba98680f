import { z } from 'zod';
import { isoDateTime, problemSchema } from '../../api/common';

/**
 * Templates as they cross the API. Every text field is Liquid source; which variables it may use is the catalogue in
 * ./variables.ts. Field limits keep one template well inside a DynamoDB item (400 KB) and Liquid's parse limit.
 */

export const TEMPLATE_FIELD_LIMITS = {
  name: 120,
  subject: 500,
  preheader: 300,
  html: 200_000,
  emailText: 100_000,
  /** Ten GSM-7 parts: a longer SMS is a letter. */
  smsText: 1_600,
} as const;

/**
 * Liquid sources are stored as sent, never trimmed: line and column numbers in errors must match what the author
 * wrote. A source that is only whitespace is refused.
 */
const liquidSource = (max: number, emptyMessage: string) =>
  z.string().max(max).refine((value) => value.trim() !== '', emptyMessage);

const name = z.string().trim().min(1, 'Enter a name').max(TEMPLATE_FIELD_LIMITS.name);
const subject = liquidSource(TEMPLATE_FIELD_LIMITS.subject, 'Enter a subject');
const preheader = z.string().max(TEMPLATE_FIELD_LIMITS.preheader).describe('The line inbox previews show after the subject');
const html = liquidSource(TEMPLATE_FIELD_LIMITS.html, 'Enter the HTML body');
const emailText = z
  .string()
  .max(TEMPLATE_FIELD_LIMITS.emailText)
  .describe('Plain-text body; when absent it is derived from the rendered HTML (links as `text (url)`)');
const smsText = liquidSource(TEMPLATE_FIELD_LIMITS.smsText, 'Enter the message');

export const emailTemplateCreateSchema = z
  .strictObject({
    channel: z.literal('email'),
    name,
    subject,
    html,
    text: emailText.optional(),
    preheader: preheader.optional(),
  })
  .meta({ id: 'EmailTemplateCreate' });

export const smsTemplateCreateSchema = z
  .strictObject({ channel: z.literal('sms'), name, text: smsText.describe('The message (Liquid)') })
  .meta({ id: 'SmsTemplateCreate' });

export const templateCreateSchema = z
  .discriminatedUnion('channel', [emailTemplateCreateSchema, smsTemplateCreateSchema])
  .meta({ id: 'TemplateCreate' });
export type TemplateCreate = z.output<typeof templateCreateSchema>;

/**
 * PATCH: only the fields sent change; `null` clears an email template's optional `text` or `preheader`. The channel
 * cannot change. Fields the template's channel does not have are a 400.
 */
export const templatePatchSchema = z
  .strictObject({
    name: name.optional(),
    subject: subject.optional(),
    html: html.optional(),
    text: z.string().max(TEMPLATE_FIELD_LIMITS.emailText).nullable().optional(),
    preheader: preheader.nullable().optional(),
  })
  .meta({ id: 'TemplatePatch' });
export type TemplatePatch = z.output<typeof templatePatchSchema>;

const templateMeta = {
  templateId: z.string(),
  name: z.string(),
  variables: z.array(z.string()).describe('Merge variables the template uses, e.g. `customer.first_name`'),
  version: z.number().int().describe('Increases on every change; send it back as `If-Match` to update only that version'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  createdBy: z.string().describe('Staff id'),
  updatedBy: z.string().describe('Staff id'),
};

export const emailTemplateSchema = z
  .object({
    channel: z.literal('email'),
    subject: z.string(),
    html: z.string(),
    text: z.string().nullable(),
    preheader: z.string().nullable(),
    ...templateMeta,
  })
  .meta({ id: 'EmailTemplate' });

export const smsTemplateSchema = z.object({ channel: z.literal('sms'), text: z.string(), ...templateMeta }).meta({ id: 'SmsTemplate' });

export const templateSchema = z.discriminatedUnion('channel', [emailTemplateSchema, smsTemplateSchema]).meta({ id: 'Template' });
export type TemplateView = z.infer<typeof templateSchema>;

/** List entries leave the bodies out: a page of 100 HTML templates would not fit a Lambda response. */
export const templateSummarySchema = z
  .object({
    channel: z.enum(['email', 'sms']),
    subject: z.string().nullable().describe('Email subject (Liquid source); null for SMS'),
    ...templateMeta,
  })
  .meta({ id: 'TemplateSummary' });
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

const customerId = z.string().min(1).max(64).describe('Render for this customer of yours; the built-in sample customer when absent');

export const templatePreviewRequestSchema = z
  .strictObject({ customerId: customerId.optional() })
  .default({})
  .meta({ id: 'TemplatePreviewRequest' });

export const unsavedTemplatePreviewRequestSchema = z
  .discriminatedUnion('channel', [
    emailTemplateCreateSchema.extend({ name: name.optional(), customerId: customerId.optional() }),
    smsTemplateCreateSchema.extend({ name: name.optional(), customerId: customerId.optional() }),
  ])
  .meta({ id: 'UnsavedTemplatePreviewRequest' });
export type UnsavedTemplatePreviewRequest = z.output<typeof unsavedTemplatePreviewRequestSchema>;

export const templatePreviewSchema = z
  .object({
    channel: z.enum(['email', 'sms']),
    customerId: z.string().nullable().describe('The customer rendered for; null for the sample customer'),
    subject: z.string().nullable().describe('Rendered subject (email), one line, not escaped'),
    preheader: z.string().nullable(),
    html: z.string().nullable().describe('Rendered HTML body with the preheader as its hidden first block (email)'),
    text: z.string().describe('Rendered text body (email, derived from the HTML when the template has none) or SMS message'),
    sms: z
      .object({
        encoding: z.enum(['GSM-7', 'UCS-2']),
        parts: z.number().int(),
        units: z.number().int().describe('Septets (GSM-7) or UTF-16 code units (UCS-2)'),
        unitsPerPart: z.number().int(),
        remainingInLastPart: z.number().int(),
      })
      .nullable()
      .describe('SMS part count of the rendered message; null for email'),
    variables: z.array(z.string()),
  })
  .meta({ id: 'TemplatePreview' });
export type TemplatePreview = z.infer<typeof templatePreviewSchema>;

/** A 400 or 422 about template source: each error names the field, and where it is. */
export const templateProblemSchema = problemSchema
  .extend({
    errors: z
      .array(
        z.object({
          path: z.string().describe('`body.subject`, `body.html`, ...'),
          message: z.string(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
          variable: z.string().optional().describe('The variable concerned, as written'),
        }),
      )
      .optional(),
  })
  .meta({ id: 'TemplateProblem' });

export const templateVariableSchema = z
  .object({
    path: z.string(),
    kind: z.enum(['text', 'date', 'month_day', 'money', 'number', 'boolean', 'list', 'url']),
    availability: z.enum(['always', 'send', 'automation']),
    description: z.string(),
    example: z.string(),
  })
  .meta({ id: 'TemplateVariable' });
