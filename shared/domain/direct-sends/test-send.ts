/**
 * `POST /v1/campaigns/{id}/test`: one rendered message of the campaign, subject prefixed "[Test] ", to a staff member
 * of the tenant or a customer of the tenant, never to an address the caller types (no open relay: the body takes ids
 * only, and ids are looked up under the caller's tenant, so another tenant's id is a 404).
 *  - to a customer: a direct send of origin `test` through the pipeline (gates, worker, timeline entry of kind `test`),
 *    counted on its own send, never in the campaign's metrics;
 *  - to staff (the caller when no one is named): ./staff-test-email.ts, sent at once.
 */
import type { EmailSender } from '../../adapters/ses/outbound-email';
import { sesV2EmailSender } from '../../adapters/ses/sesv2-email-sender';
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { problems } from '../../http/problem';
import { UnitOfWork } from '../../store/unit-of-work';
import { loadCampaign } from '../campaigns/campaign-repository';
import { loadCustomer } from '../customers/customer-store';
import { getStaffMember } from '../staff/staff-repository';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { campaignTestContent } from './campaign-test-content';
import type { TestSendRequest, TestSendResult } from './direct-send-schema';
import { sendStaffTestEmail } from './staff-test-email';
import { startDirectSend, type DirectSendDeps } from './start-direct-send';

export interface TestSendDeps extends DirectSendDeps {
  readonly emailSender: () => EmailSender;
}

let sesSender: EmailSender | undefined;
/** The SES sender, made on first use (one client per container). */
export const sesEmailSender = (): EmailSender => (sesSender ??= sesV2EmailSender());

export async function sendCampaignTest(principal: Principal, campaignId: string, to: TestSendRequest, deps: TestSendDeps): Promise<TestSendResult> {
  const loaded = await loadCampaign(principal.tenantId, campaignId);
  if (!loaded) throw problems.notFound('Campaign');
  const content = await campaignTestContent(loaded.campaign);

  if (to.customerId !== undefined) {
    await loadCustomer(principal.tenantId, to.customerId);
    const send = await startDirectSend(
      principal,
      { origin: 'test', content, recipients: { customerIds: [to.customerId] }, purpose: 'marketing', testOf: campaignId, contentPath: 'content' },
      deps,
    );
    return { to: { kind: 'customer', id: to.customerId }, subject: content.subject, status: 'sending', sendId: send.campaignId };
  }

  const staffId = to.staffId ?? principal.staffId;
  const staff = await getStaffMember(principal.tenantId, staffId);
  if (!staff) throw problems.notFound('Staff member');
  const now = deps.now();
  const settings = await loadTenantSettings(principal.tenantId);
  const sent = await sendStaffTestEmail(principal.tenantId, { staffId, email: staff.email }, content, settings, { emailSender: deps.emailSender(), now });
  await new UnitOfWork(undefined)
    .put(auditItem(principal, { action: 'sent', entity: 'test_send', entityId: campaignId, detail: `test to staff ${staffId}` }, now.toISOString()))
    .commit();
  return { to: { kind: 'staff', id: staffId }, subject: sent.subject, status: 'sent', messageId: sent.messageId };
}
