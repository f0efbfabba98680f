/**
 * The message a campaign's test carries: the campaign's content as it would be sent now (its template's current
 * version, or its inline Liquid) with "[Test] " before the subject. Email only: SMS cannot be sent yet.
 */
import { ProblemError } from '../../http/problem';
import type { Campaign } from '../campaigns/campaign';
import { smsUnavailable } from '../campaigns/campaign-problems';
import { templateUnavailable } from '../campaigns/content-checks';
import { contentOf } from '../templates/template-item';
import { loadTemplate } from '../templates/template-repository';
import { testContent, type InlineEmail } from './direct-send';

export async function campaignTestContent(campaign: Campaign): Promise<InlineEmail> {
  if (campaign.channel !== 'email') throw smsUnavailable();
  const source = campaign.content;
  if ('templateId' in source) {
    let template;
    try {
      template = await loadTemplate(campaign.tenantId, source.templateId);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) throw templateUnavailable('email', 'content.templateId');
      throw error;
    }
    const content = contentOf(template);
    if (content.channel !== 'email') throw templateUnavailable('email', 'content.templateId');
    const { channel: _email, ...email } = content;
    return testContent(email);
  }
  if (!('subject' in source)) throw smsUnavailable();
  return testContent(source);
}
