import { loadCustomer } from '../customers/customer-store';
import { problems } from '../../http/problem';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { issueToFieldError } from './check-template';
import { anniversaryYears, mergeScope, tenantToday, type MergeCustomer } from './merge-data';
import { compileTemplate, TemplateRenderError, TemplateSourceError } from './render-template';
import { PREVIEW_SEND_FIELDS, SAMPLE_CUSTOMER } from './sample-data';
import type { TemplateContent } from './template-content';
import type { TemplatePreview } from './template-schema';
import { tenantFormat } from './tenant-format';

/**
 * Renders a template as one customer would receive it: the tenant's time zone, locale and currency, that customer's
 * fields (or the built-in sample customer's), a placeholder unsubscribe link, and automation fields computed for that
 * customer so an anniversary template previews with its years.
 */

export interface PreviewOptions {
  /** A customer of the principal's tenant; a customer of another tenant is a 404. */
  customerId?: string | undefined;
  /** A saved template that no longer checks (the catalogue changed) is a 422; an unsaved one is a 400. */
  saved: boolean;
  now?: Date;
}

export async function previewTemplate(tenantId: string, content: TemplateContent, options: PreviewOptions): Promise<TemplatePreview> {
  const now = options.now ?? new Date();
  const [settings, customer] = await Promise.all([
    loadTenantSettings(tenantId),
    options.customerId === undefined ? Promise.resolve<MergeCustomer>(SAMPLE_CUSTOMER) : loadCustomer(tenantId, options.customerId),
  ]);
  const format = tenantFormat(settings);

  let compiled;
  try {
    compiled = compileTemplate(content, format);
  } catch (error) {
    if (!(error instanceof TemplateSourceError)) throw error;
    const errors = error.issues.map((issue) => issueToFieldError(issue));
    if (options.saved) throw problems.unprocessable('The saved template no longer checks; edit it.', { errors });
    throw problems.validation(errors, 'The template has errors.');
  }

  const years = anniversaryYears(customer, tenantToday(now, format.timeZone));
  const scope = mergeScope(
    { customer, store: settings, send: PREVIEW_SEND_FIELDS, automation: years === undefined ? {} : { anniversaryYears: years } },
    { format, now },
  );
  let rendered;
  try {
    rendered = compiled.render(scope);
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    throw problems.unprocessable('The template could not be rendered for this customer.', { errors: [issueToFieldError(error.issue)] });
  }

  const base = { customerId: options.customerId ?? null, variables: compiled.variables };
  if (rendered.channel === 'sms') {
    return { ...base, channel: 'sms', subject: null, preheader: null, html: null, text: rendered.text, sms: rendered.sms };
  }
  return {
    ...base,
    channel: 'email',
    subject: rendered.subject,
    preheader: rendered.preheader,
    html: rendered.html,
    text: rendered.text,
    sms: null,
  };
}
