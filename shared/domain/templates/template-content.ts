import type { EngineMode } from './liquid-engine';

/**
 * What a template says, per channel, independent of how it is stored or sent. Every field is Liquid source.
 * Email: `subject`, `html`, optional `text` (derived from the rendered HTML when absent) and optional `preheader` (the
 * inbox preview line). SMS: `text`.
 */
export type TemplateChannel = 'email' | 'sms';

export interface EmailTemplateContent {
  channel: 'email';
  subject: string;
  html: string;
  text?: string | undefined;
  preheader?: string | undefined;
}

export interface SmsTemplateContent {
  channel: 'sms';
  text: string;
}

export type TemplateContent = EmailTemplateContent | SmsTemplateContent;

export type TemplateField = 'subject' | 'preheader' | 'html' | 'text';

export interface LiquidField {
  field: TemplateField;
  source: string;
  /** `html` escapes every output; everything else is plain text. */
  mode: EngineMode;
}

/** The Liquid fields of a template, in the order their problems are reported. */
export function liquidFields(content: TemplateContent): LiquidField[] {
  if (content.channel === 'sms') return [{ field: 'text', source: content.text, mode: 'text' }];
  const fields: LiquidField[] = [{ field: 'subject', source: content.subject, mode: 'text' }];
  if (content.preheader !== undefined) fields.push({ field: 'preheader', source: content.preheader, mode: 'text' });
  fields.push({ field: 'html', source: content.html, mode: 'html' });
  if (content.text !== undefined) fields.push({ field: 'text', source: content.text, mode: 'text' });
  return fields;
}

/** A problem in one field of a template, where the author can find it (1-based line and column). */
export interface TemplateIssue {
  field: TemplateField;
  message: string;
  line: number;
  column: number;
  /** The variable concerned, as written (`customer.frist_name`). */
  variable?: string;
}
