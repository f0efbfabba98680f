/**
 * Who a campaign goes to, decided when it sends: every kind of audience except a hand-picked list becomes a segment
 * rule (everyone is the empty `and`, tags are a tags leaf, a saved segment is its current rule), so the one segment
 * engine decides membership for counts, previews and sends alike.
 *
 * How the audience can be frozen follows from the rule's plan: a plan without top-N steps or a spend percentile is
 * decided customer by customer, so the book is streamed in checkpointed slices; a ranked or percentile plan compares
 * customers with the whole book and is evaluated in one step; a hand-picked list is read by id.
 */
import type { CampaignRecipients } from '../campaigns/campaign-schema';
import { compileRule, type SegmentPlan } from '../segments/compile-rule';
import { isSliceable } from '../segments/segment-evaluation';
import { segmentRule } from '../segments/segment-service';
import type { Rule } from '../segments/rule-schema';
import { validateRule } from '../segments/validate-rule';
import type { AudienceMode } from './dispatch-state';

export type Audience = { mode: 'manual'; customerIds: readonly string[] } | { mode: Exclude<AudienceMode, 'manual'>; plan: SegmentPlan };

function validRule(input: unknown): Rule {
  const validation = validateRule(input);
  if (!validation.ok) throw new Error(`Audience rule is invalid: ${validation.errors.map((error) => error.path).join(', ')}`);
  return validation.rule;
}

/** The rule an audience stands for (undefined for a hand-picked list). */
export async function audienceRule(tenantId: string, recipients: CampaignRecipients): Promise<Rule | undefined> {
  if ('customerIds' in recipients) return undefined;
  if ('all' in recipients) return validRule({ and: [] });
  if ('segmentId' in recipients) return segmentRule(tenantId, recipients.segmentId);
  if ('rule' in recipients) return recipients.rule;
  const match = 'any' in recipients.tags ? 'any' : 'all';
  const tags = 'any' in recipients.tags ? recipients.tags.any : recipients.tags.all;
  return validRule({ type: 'tags', tags, match });
}

export function planMode(plan: SegmentPlan): Exclude<AudienceMode, 'manual'> {
  return isSliceable(plan) && !plan.needs.spendDistribution ? 'stream' : 'whole';
}

/**
 * The audience to freeze. `frozenRule`: the rule the dispatch's first step resolved and kept, so a saved segment
 * edited while a large book is being frozen slice by slice does not change the audience half-way.
 */
export async function resolveAudience(tenantId: string, recipients: CampaignRecipients, frozenRule?: Rule): Promise<Audience> {
  if ('customerIds' in recipients) return { mode: 'manual', customerIds: recipients.customerIds };
  const rule = frozenRule ?? (await audienceRule(tenantId, recipients));
  const plan = compileRule(rule!);
  return { mode: planMode(plan), plan };
}
