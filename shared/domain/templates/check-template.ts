import type { FieldError } from '../../http/problem';
import { SETTINGS_DEFAULTS } from '../tenants/settings';
import { mergeScope } from './merge-data';
import { compileTemplate, TemplateRenderError, TemplateSourceError, type CompiledTemplate } from './render-template';
import { PREVIEW_SEND_FIELDS, SAMPLE_CUSTOMER } from './sample-data';
import type { TemplateContent, TemplateIssue } from './template-content';
import { tenantFormat } from './tenant-format';

/**
 * What saving a template checks: Liquid syntax, that every variable is in the catalogue, and that it renders within
 * the limits for the sample customer (a loop bomb is refused when it is saved, not when a campaign goes out).
 * Formats only change how dates and money print, never whether a template is valid, so the check uses the defaults.
 */

const CHECK_FORMAT = tenantFormat({ ...SETTINGS_DEFAULTS });
const SAMPLE_STORE = { name: 'Sample Store', postalAddress: '1 Sample Street', storePhone: '+61 2 9000 0000' };

export type TemplateCheck = { ok: true; compiled: CompiledTemplate; variables: string[] } | { ok: false; issues: TemplateIssue[] };

export function checkTemplate(content: TemplateContent, now: Date = new Date()): TemplateCheck {
  let compiled: CompiledTemplate;
  try {
    compiled = compileTemplate(content, CHECK_FORMAT);
  } catch (error) {
    if (error instanceof TemplateSourceError) return { ok: false, issues: error.issues };
    throw error;
  }
  try {
    compiled.render(
      mergeScope(
        { customer: SAMPLE_CUSTOMER, store: SAMPLE_STORE, send: PREVIEW_SEND_FIELDS, automation: { anniversaryYears: 10 } },
        { format: CHECK_FORMAT, now },
      ),
    );
  } catch (error) {
    if (error instanceof TemplateRenderError) return { ok: false, issues: [error.issue] };
    throw error;
  }
  return { ok: true, compiled, variables: compiled.variables };
}

/** A template problem as a problem+json `errors` entry: `path` names the request field (`body.html`). */
export interface TemplateFieldError extends FieldError {
  line: number;
  column: number;
  variable?: string;
}

export function issueToFieldError(issue: TemplateIssue, prefix = 'body'): TemplateFieldError {
  return {
    path: `${prefix}.${issue.field}`,
    message: issue.message,
    line: issue.line,
    column: issue.column,
    ...(issue.variable === undefined ? {} : { variable: issue.variable }),
  };
}
