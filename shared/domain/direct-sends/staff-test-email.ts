/**
 * A campaign's test to a staff member: staff are not customers, so there is no recipient for the pipeline to freeze,
 * gate or record on a timeline. The test is rendered with the built-in sample customer and composed and sent by the
 * pipeline's own parts (composeEmail, the SES sender, the tenant's sender and SES tenant), so it looks exactly like
 * the real email; its unsubscribe link is the preview placeholder (it must not unsubscribe anyone), and its message
 * tags name no campaign or customer, so delivery events of a test never reach a campaign's metrics.
 */
import type { EmailSender } from '../../adapters/ses/outbound-email';
import { env } from '../../config/env';
import { newId } from '../../ids';
import { ProblemError, problems } from '../../http/problem';
import { issueToFieldError } from '../templates/check-template';
import { mergeScope } from '../templates/merge-data';
import { compileTemplate, TemplateRenderError, TemplateSourceError, type RenderedEmail } from '../templates/render-template';
import { PREVIEW_SEND_FIELDS, SAMPLE_CUSTOMER } from '../templates/sample-data';
import { tenantFormat } from '../templates/tenant-format';
import type { TenantSettings } from '../tenants/settings';
import { composeEmail } from '../sending/compose-email';
import { classifySendError } from '../sending/send-outcome';
import { resolveSender } from '../sender-identity/resolve-sender';
import { ensureSesTenant } from '../sender-identity/ses-tenant-setup';
import type { InlineEmail } from './direct-send';

function renderForSample(content: InlineEmail, settings: TenantSettings, now: Date): RenderedEmail {
  const format = tenantFormat(settings);
  try {
    const rendered = compileTemplate({ channel: 'email', ...content }, format).render(
      mergeScope({ customer: SAMPLE_CUSTOMER, store: settings, send: PREVIEW_SEND_FIELDS }, { format, now }),
    );
    if (rendered.channel !== 'email') throw new Error('An email template rendered as SMS');
    return rendered;
  } catch (error) {
    if (error instanceof TemplateSourceError) {
      throw problems.unprocessable("The campaign's message no longer checks; edit it.", { errors: error.issues.map((issue) => issueToFieldError(issue)) });
    }
    if (error instanceof TemplateRenderError) {
      throw problems.unprocessable("The campaign's message could not be rendered.", { errors: [issueToFieldError(error.issue)] });
    }
    throw error;
  }
}

export async function sendStaffTestEmail(
  tenantId: string,
  to: { staffId: string; email: string },
  content: InlineEmail,
  settings: TenantSettings,
  deps: { emailSender: EmailSender; now: Date },
): Promise<{ subject: string; messageId: string }> {
  const rendered = renderForSample(content, settings, deps.now);
  const tenantName = await ensureSesTenant(tenantId, deps.now);
  const configurationSetName = env.sesConfigurationSet();
  const email = composeEmail({
    rendered,
    to: to.email,
    store: { name: settings.name, postalAddress: settings.postalAddress },
    sender: await resolveSender(tenantId, settings),
    unsubscribeUrl: PREVIEW_SEND_FIELDS.unsubscribeUrl!,
    tags: { tenantId, campaignId: `test_${newId(deps.now.getTime())}`, customerId: `staff_${to.staffId}` },
    tenantName,
    ...(configurationSetName ? { configurationSetName } : {}),
  });
  try {
    const { messageId } = await deps.emailSender.send(email);
    return { subject: rendered.subject, messageId };
  } catch (error) {
    const outcome = classifySendError(error);
    if (outcome.kind === 'retry') throw new ProblemError(503, 'Service unavailable', 'Email sending is busy; send the test again in a moment.');
    if (outcome.kind === 'reject') throw problems.unprocessable(`The email provider refused the test (${outcome.reason}).`);
    throw new ProblemError(502, 'Bad gateway', 'The email provider did not answer; the test may or may not have been sent.');
  }
}
