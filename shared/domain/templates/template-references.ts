/**
 * What still uses a template, asked before it is deleted: deleting a template a scheduled campaign or a live automation
 * renders from would break that send.
 *
 * HOOK for the campaigns and automations work: nothing references templates yet, so the list of checks is empty.
 * When campaigns (and later automations) store a `templateId`, add a check here that returns the campaigns using the
 * template in a state that will still render it (draft, scheduled, sending, paused). Deleting then answers 409 with
 * the references (see deleteTemplate). A campaign created between the check and the delete is not caught; a campaign
 * should therefore copy the template's content when it is scheduled rather than read it at send time.
 */

export interface TemplateReference {
  kind: 'campaign' | 'automation';
  id: string;
  name: string;
}

export type TemplateReferenceCheck = (tenantId: string, templateId: string) => Promise<TemplateReference[]>;

export const TEMPLATE_REFERENCE_CHECKS: readonly TemplateReferenceCheck[] = [];

export async function findTemplateReferences(
  tenantId: string,
  templateId: string,
  checks: readonly TemplateReferenceCheck[] = TEMPLATE_REFERENCE_CHECKS,
): Promise<TemplateReference[]> {
  const found = await Promise.all(checks.map((check) => check(tenantId, templateId)));
  return found.flat();
}
