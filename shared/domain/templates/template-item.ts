import { keys } from '../../store/keys';
import type { EmailTemplateContent, SmsTemplateContent, TemplateContent } from './template-content';
import type { TemplateCreate, TemplatePatch, TemplateSummary, TemplateView } from './template-schema';

/**
 * The stored template (`keys.tenantEntity(t, 'TEMPLATE', id)`), and pure builders for it. Optional email fields are
 * absent (not null) when unset. `variables` is recomputed from the source on every write.
 */
interface TemplateItemBase {
  pk: string;
  sk: string;
  type: 'Template';
  tenantId: string;
  templateId: string;
  name: string;
  variables: string[];
  /** Optimistic concurrency: every write is conditional on the version it read, and increments it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export type EmailTemplateItem = TemplateItemBase & EmailTemplateContent;
export type SmsTemplateItem = TemplateItemBase & SmsTemplateContent;
export type TemplateItem = EmailTemplateItem | SmsTemplateItem;

/** The attributes a list reads (everything but the bodies). */
export const SUMMARY_ATTRIBUTES = ['templateId', 'channel', 'name', 'subject', 'variables', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const;

export function contentOf(input: TemplateCreate | TemplateItem): TemplateContent {
  if (input.channel === 'sms') return { channel: 'sms', text: input.text };
  return {
    channel: 'email',
    subject: input.subject,
    html: input.html,
    ...(input.text === undefined ? {} : { text: input.text }),
    ...(input.preheader === undefined ? {} : { preheader: input.preheader }),
  };
}

export interface TemplateWriteContext {
  templateId: string;
  staffId: string;
  /** ISO time of the write. */
  now: string;
}

export function newTemplateItem(tenantId: string, input: TemplateCreate, variables: string[], context: TemplateWriteContext): TemplateItem {
  return {
    ...keys.tenantEntity(tenantId, 'TEMPLATE', context.templateId),
    type: 'Template',
    tenantId,
    templateId: context.templateId,
    name: input.name,
    ...contentOf(input),
    variables,
    version: 1,
    createdAt: context.now,
    updatedAt: context.now,
    createdBy: context.staffId,
    updatedBy: context.staffId,
  } as TemplateItem;
}

/**
 * What a PATCH makes of a template, as a create body for the same channel: validating that body with the create schema
 * checks the merged result (an SMS template given a subject, an email template losing its HTML) in one place.
 */
export function patchedTemplateInput(current: TemplateItem, patch: TemplatePatch): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...contentOf(current), name: current.name };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return merged;
}

/** The next version of a template; the caller writes it conditional on `current.version`. */
export function nextTemplateVersion(
  current: TemplateItem,
  input: TemplateCreate,
  variables: string[],
  context: Omit<TemplateWriteContext, 'templateId'>,
): TemplateItem {
  return {
    ...keys.tenantEntity(current.tenantId, 'TEMPLATE', current.templateId),
    type: 'Template',
    tenantId: current.tenantId,
    templateId: current.templateId,
    name: input.name,
    ...contentOf(input),
    variables,
    version: current.version + 1,
    createdAt: current.createdAt,
    updatedAt: context.now,
    createdBy: current.createdBy,
    updatedBy: context.staffId,
  } as TemplateItem;
}

const CONTENT_ATTRIBUTES = ['name', 'subject', 'html', 'text', 'preheader'] as const;

/** Names of the fields that differ (audit entries list names, never content). */
export function changedTemplateFields(before: TemplateItem, after: TemplateItem): string[] {
  const read = (item: TemplateItem, field: (typeof CONTENT_ATTRIBUTES)[number]) => (item as unknown as Record<string, unknown>)[field];
  return CONTENT_ATTRIBUTES.filter((field) => read(before, field) !== read(after, field));
}

export function toTemplateView(item: TemplateItem): TemplateView {
  const meta = {
    templateId: item.templateId,
    name: item.name,
    variables: item.variables ?? [],
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
  };
  if (item.channel === 'sms') return { channel: 'sms', text: item.text, ...meta };
  return { channel: 'email', subject: item.subject, html: item.html, text: item.text ?? null, preheader: item.preheader ?? null, ...meta };
}

/** A template read with only SUMMARY_ATTRIBUTES. */
export type TemplateSummaryItem = Pick<TemplateItem, Exclude<(typeof SUMMARY_ATTRIBUTES)[number], 'subject'>> & { subject?: string };

export function toTemplateSummary(item: TemplateSummaryItem): TemplateSummary {
  return {
    templateId: item.templateId,
    channel: item.channel,
    name: item.name,
    subject: item.channel === 'email' ? (item.subject ?? null) : null,
    variables: item.variables ?? [],
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
  };
}

/** Strong ETag of a template version, for `If-Match`. */
export const templateEtag = (item: Pick<TemplateItem, 'version'>) => `"${item.version}"`;
