/**
 * What a campaign's content must satisfy when it is saved: inline Liquid passes the same check as a saved template
 * (syntax, known variables, render limits: a 400 naming field, line and column), and a `templateId` names a template
 * of this tenant and of the campaign's channel (checked inside the write's transaction, so a template deleted at the
 * same moment cannot slip through).
 */
import { problems, type ProblemError } from '../../http/problem';
import { keys } from '../../store/keys';
import type { UnitOfWork } from '../../store/unit-of-work';
import { checkTemplate, issueToFieldError } from '../templates/check-template';
import type { TemplateContent } from '../templates/template-content';
import type { CampaignChannel, CampaignContent } from './campaign-schema';

function inlineTemplateContent(channel: CampaignChannel, content: CampaignContent): TemplateContent | undefined {
  if ('templateId' in content) return undefined;
  if ('subject' in content) return { channel: 'email', ...content };
  if (channel === 'sms') return { channel: 'sms', text: content.text };
  return undefined;
}

/** Throws the 400 a template with these problems gets; `path` is where the content sits in the request. */
export function assertInlineContentValid(channel: CampaignChannel, content: CampaignContent, now: Date, path = 'body.content'): void {
  const inline = inlineTemplateContent(channel, content);
  if (!inline) return;
  const check = checkTemplate(inline, now);
  if (!check.ok) {
    throw problems.validation(check.issues.map((issue) => issueToFieldError(issue, path)), 'The message has errors.');
  }
}

/**
 * Stages the check that the referenced template exists with the campaign's channel; answers the position of the check
 * in the transaction (to explain its failure), or undefined when the content is inline.
 */
export function stageTemplateCheck(
  uow: UnitOfWork,
  tenantId: string,
  channel: CampaignChannel,
  content: CampaignContent,
): number | undefined {
  if (!('templateId' in content)) return undefined;
  const position = uow.size;
  uow.check(keys.tenantEntity(tenantId, 'TEMPLATE', content.templateId), {
    expression: 'attribute_exists(pk) AND #channel = :channel',
    names: { '#channel': 'channel' },
    values: { ':channel': channel },
  });
  return position;
}

export const templateUnavailable = (channel: CampaignChannel, path = 'body.content.templateId'): ProblemError =>
  problems.unprocessable(`Choose one of your ${channel === 'sms' ? 'SMS' : 'email'} templates.`, {
    errors: [{ path, message: 'Template not found for this channel' }],
  });
