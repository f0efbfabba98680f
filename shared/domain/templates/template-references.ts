/**
 * What still uses a template, asked before it is deleted: deleting a template a scheduled campaign or a live automation
 * renders from would break that send.
 *
 * Each feature that stores a `templateId` contributes one check returning its users in a state that will still render
 * the template; deleting then answers 409 with the references (see deleteTemplate). A campaign created between the
 * check and the delete is not caught; a campaign therefore copies the template's content when it starts sending.
 */
import { automationsUsingTemplate } from '../automations/store/automation-store';
import { campaignsUsingTemplate } from '../campaigns/template-usage';

export interface TemplateReference {
  kind: 'campaign' | 'automation';
  id: string;
  name: string;
}

export type TemplateReferenceCheck = (tenantId: string, templateId: string) => Promise<TemplateReference[]>;

export const TEMPLATE_REFERENCE_CHECKS: readonly TemplateReferenceCheck[] = [campaignsUsingTemplate, automationsUsingTemplate];

export async function findTemplateReferences(
  tenantId: string,
  templateId: string,
  checks: readonly TemplateReferenceCheck[] = TEMPLATE_REFERENCE_CHECKS,
): Promise<TemplateReference[]> {
  const found = await Promise.all(checks.map((check) => check(tenantId, templateId)));
  return found.flat();
}
