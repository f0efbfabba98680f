/**
 * An automation's message handed to the send pipeline. Like a direct send (../../direct-sends), it is a campaign the
 * jeweller never saved: a campaign item already `sending`, without the campaign list's index entry, marked with
 * `origin: 'automation'`. Unlike a direct send it is ONE message, so it skips the dispatcher: the occurrence's
 * recipient is frozen here and its send job goes straight onto the priority lane (`laneFor({ kind: 'automation' })`).
 * From there the pipeline's send worker does what it does for every message: the gates on fresh data (consent for
 * the automation's purpose, address, suppression, and for marketing the frequency cap), render, claim, SES, the
 * customer's timeline (kind `automation`), and the recipient's final status, which the runner's sweeper copies back
 * onto the occurrence.
 *
 * One send per occurrence, its id derived from the occurrence key: the content is frozen per occurrence, which is
 * where the occurrence's own merge variables (`anniversary_years`) go, as a Liquid `assign` ahead of the message, and
 * handing the same occurrence over twice writes the same items.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { env } from '../../../config/env';
import { sqsClient } from '../../../events/sqs-client';
import { keys } from '../../../store/keys';
import type { UnitOfWork } from '../../../store/unit-of-work';
import { newCampaign, withState } from '../../campaigns/campaign';
import { campaignItem } from '../../campaigns/campaign-repository';
import type { MessagePurpose } from '../../sending/gates';
import { laneFor, SEND_LANES } from '../../sending/lanes';
import type { SendJob } from '../../sending/messages';
import { recipientItem } from '../../sending/recipient-store';
import type { EmailTemplateContent } from '../../templates/template-content';
import type { Occurrence } from '../occurrence';

/** The pipeline's items of an automation message are only needed while it is in flight; kept a while for support. */
const SEND_RETENTION_SECONDS = 60 * 24 * 3600;
/** SQS's longest delivery delay. */
export const MAX_DELAY_SECONDS = 900;

/** The send id of an occurrence: the same occurrence always hands over under the same id. */
export function automationSendId(occurrenceKey: string): string {
  return `au_${createHash('sha256').update(occurrenceKey).digest('base64url').slice(0, 32)}`;
}

export interface FrozenAutomationContent {
  readonly content: EmailTemplateContent;
  readonly templateId?: string;
  readonly templateVersion?: number;
}

/** The occurrence's merge variables, set ahead of each field so the message reads them like any variable. */
export function withOccurrenceVariables(content: EmailTemplateContent, occurrence: Pick<Occurrence, 'merge'>): EmailTemplateContent {
  const years = occurrence.merge?.anniversaryYears;
  if (years === undefined) return content;
  const assign = `{% assign anniversary_years = ${Math.trunc(years)} %}`;
  return {
    channel: 'email',
    subject: `${assign}${content.subject}`,
    html: `${assign}${content.html}`,
    ...(content.text === undefined ? {} : { text: `${assign}${content.text}` }),
    ...(content.preheader === undefined ? {} : { preheader: `${assign}${content.preheader}` }),
  };
}

export interface AutomationSendInput {
  readonly tenantId: string;
  readonly sendId: string;
  readonly automationId: string;
  readonly automationName: string;
  readonly occurrence: Occurrence;
  readonly purpose: MessagePurpose;
  readonly content: FrozenAutomationContent;
  readonly now: Date;
}

/**
 * Stages the send's campaign item, frozen content and queued recipient. Unconditional on purpose: the occurrence's
 * own transition (enqueue, conditional on `claimed`) commits with them, so they are written at most once for real.
 */
export function stageAutomationSend(uow: UnitOfWork, input: AutomationSendInput): void {
  const { tenantId, sendId, occurrence, now } = input;
  const frozenAt = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + SEND_RETENTION_SECONDS;
  const message = withOccurrenceVariables(input.content.content, occurrence);
  const { subject, html, text, preheader } = message;
  const draft = newCampaign(
    {
      name: `Automation: ${input.automationName}`.slice(0, 120),
      channel: 'email',
      content: { subject, html, ...(text === undefined ? {} : { text }), ...(preheader === undefined ? {} : { preheader }) },
      recipients: { customerIds: [occurrence.customerId] },
    },
    { tenantId, campaignId: sendId, createdBy: 'system' },
    now,
  );
  const sending = { ...withState(draft, { status: 'sending', scheduleVersion: draft.scheduleVersion }, now), handover: 'done' as const };
  const { gsi2pk: _listed, gsi2sk: _listedAt, ...campaign } = campaignItem(sending);
  uow.put({
    ...campaign,
    origin: 'automation',
    purpose: input.purpose,
    automationId: input.automationId,
    occurrenceKey: occurrence.occurrenceKey,
    expiresAt,
  });
  uow.put({
    ...keys.campaignSend(tenantId, sendId, 'CONTENT'),
    type: 'CampaignSendContent',
    content: message,
    ...(input.content.templateId ? { templateId: input.content.templateId } : {}),
    ...(input.content.templateVersion ? { templateVersion: input.content.templateVersion } : {}),
    frozenAt,
    expiresAt,
  });
  uow.put({ ...recipientItem({ tenantId, campaignId: sendId, customerId: occurrence.customerId, status: 'queued', frozenAt }), expiresAt });
}

export function automationSendJob(input: { tenantId: string; sendId: string; customerId: string; purpose: MessagePurpose; frozenAt: string }): SendJob {
  return {
    v: 1,
    kind: 'campaign',
    tenantId: input.tenantId,
    campaignId: input.sendId,
    customerId: input.customerId,
    purpose: input.purpose,
    frozenAt: input.frozenAt,
    communicationKind: 'automation',
  };
}

/** Puts the send job on the automation's lane, delivered after `delaySeconds` (at most SQS's 15 minutes). */
export async function enqueueAutomationSend(job: SendJob, delaySeconds = 0): Promise<void> {
  const lane = laneFor({ kind: 'automation', purpose: job.purpose });
  const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)));
  await sqsClient.send(
    new SendMessageCommand({
      QueueUrl: env.queueUrl(SEND_LANES[lane].queue),
      MessageBody: JSON.stringify(job),
      ...(delay > 0 ? { DelaySeconds: delay } : {}),
    }),
  );
}
