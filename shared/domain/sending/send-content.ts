/**
 * The message a campaign sends, frozen when its dispatch starts (`keys.campaignSend(t, c, 'CONTENT')`): a template
 * edited or deleted while a campaign is going out changes nothing for the recipients still queued, and every worker
 * renders the same source. Workers compile it once per container and campaign.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { Campaign } from '../campaigns/campaign';
import { compileTemplate, type CompiledTemplate } from '../templates/render-template';
import type { EmailTemplateContent } from '../templates/template-content';
import { contentOf } from '../templates/template-item';
import { loadTemplate } from '../templates/template-repository';
import type { TenantFormat } from '../templates/tenant-format';

export interface SendContent {
  readonly content: EmailTemplateContent;
  /** The template it came from, when the campaign named one. */
  readonly templateId?: string;
  readonly templateVersion?: number;
  readonly frozenAt: string;
}

/** Thrown when a campaign's content cannot be sent as email (an SMS campaign, a template of another channel). */
export class UnsendableContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsendableContentError';
  }
}

async function resolveContent(campaign: Campaign): Promise<Omit<SendContent, 'frozenAt'>> {
  if (campaign.channel !== 'email') throw new UnsendableContentError('SMS sending is not available yet');
  const source = campaign.content;
  if ('templateId' in source) {
    const template = await loadTemplate(campaign.tenantId, source.templateId);
    const content = contentOf(template);
    if (content.channel !== 'email') throw new UnsendableContentError('The campaign names an SMS template');
    return { content, templateId: template.templateId, templateVersion: template.version };
  }
  if (!('subject' in source)) throw new UnsendableContentError('An email campaign needs a subject and an HTML body');
  return {
    content: {
      channel: 'email',
      subject: source.subject,
      html: source.html,
      ...(source.text === undefined ? {} : { text: source.text }),
      ...(source.preheader === undefined ? {} : { preheader: source.preheader }),
    },
  };
}

/** Freezes the campaign's content unless it already is (a redone dispatch step keeps the first freeze). */
export async function freezeSendContent(campaign: Campaign, now: Date): Promise<SendContent> {
  const existing = await readSendContent(campaign.tenantId, campaign.campaignId);
  if (existing) return existing;
  const frozen: SendContent = { ...(await resolveContent(campaign)), frozenAt: now.toISOString() };
  try {
    await documentClient.send(
      new PutCommand({
        TableName: env.tableName(),
        Item: { ...keys.campaignSend(campaign.tenantId, campaign.campaignId, 'CONTENT'), type: 'CampaignSendContent', ...frozen },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return frozen;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await readSendContent(campaign.tenantId, campaign.campaignId))!;
  }
}

export async function readSendContent(tenantId: string, campaignId: string): Promise<SendContent | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.campaignSend(tenantId, campaignId, 'CONTENT'), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { content, templateId, templateVersion, frozenAt } = Item as unknown as SendContent;
  return { content, frozenAt, ...(templateId ? { templateId } : {}), ...(templateVersion ? { templateVersion } : {}) };
}

/** Campaigns in flight per container are few; more than this is unusual enough to start over. */
const MAX_COMPILED = 32;
const compiled = new Map<string, Promise<{ content: SendContent; template: CompiledTemplate }>>();

/** The frozen content, compiled for the tenant's format, once per container and campaign. */
export function compiledSendContent(
  tenantId: string,
  campaignId: string,
  format: TenantFormat,
): Promise<{ content: SendContent; template: CompiledTemplate }> {
  const key = `${tenantId}|${campaignId}|${format.timeZone}|${format.locale}|${format.currency}`;
  let entry = compiled.get(key);
  if (!entry) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    entry = (async () => {
      const content = await readSendContent(tenantId, campaignId);
      if (!content) throw new Error('The campaign has no frozen content: its dispatch has not started');
      return { content, template: compileTemplate(content.content, format) };
    })();
    entry.catch(() => compiled.delete(key));
    compiled.set(key, entry);
  }
  return entry;
}
