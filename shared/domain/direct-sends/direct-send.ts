/**
 * A direct send as the campaign the pipeline runs, pure: inline email content, its audience, and the `sending` state
 * a campaign has after `send` (the same `withState`, so it starts with its hand-over pending).
 */
import { newCampaign, withState, type Campaign } from '../campaigns/campaign';
import type { CampaignRecipients } from '../campaigns/campaign-schema';
import type { EmailTemplateContent } from '../templates/template-content';
import type { DirectSendOrigin } from './send-origin';

/** Inline email content as a campaign holds it. */
export type InlineEmail = Omit<EmailTemplateContent, 'channel'>;

const NAME_PREFIX: Record<DirectSendOrigin, string> = { bulk: 'Bulk send', one_to_one: 'One-to-one', test: 'Test' };
const NAME_LIMIT = 120;

export function directSendName(origin: DirectSendOrigin, subject: string): string {
  const name = `${NAME_PREFIX[origin]}: ${subject.trim()}`;
  return name.length <= NAME_LIMIT ? name : `${name.slice(0, NAME_LIMIT - 1)}…`;
}

export const TEST_SUBJECT_PREFIX = '[Test] ';

/** The content of a test: the campaign's message with "[Test] " before its subject (Liquid source, so it renders as is). */
export function testContent(content: InlineEmail): InlineEmail {
  return { ...content, subject: `${TEST_SUBJECT_PREFIX}${content.subject}` };
}

export function directSendCampaign(
  input: { origin: DirectSendOrigin; content: InlineEmail; recipients: CampaignRecipients },
  ids: { tenantId: string; sendId: string; createdBy: string },
  now: Date,
): Campaign {
  const { subject, html, text, preheader } = input.content;
  const draft = newCampaign(
    {
      name: directSendName(input.origin, subject),
      channel: 'email',
      content: { subject, html, ...(text === undefined ? {} : { text }), ...(preheader === undefined ? {} : { preheader }) },
      recipients: input.recipients,
    },
    { tenantId: ids.tenantId, campaignId: ids.sendId, createdBy: ids.createdBy },
    now,
  );
  return withState(draft, { status: 'sending', scheduleVersion: draft.scheduleVersion }, now);
}
