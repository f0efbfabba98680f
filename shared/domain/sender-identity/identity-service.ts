/**
 * Registering, checking and removing a tenant's sending domain. Every step can be repeated after a crash: the domain
 * is claimed first (so no other tenant can take or remove it meanwhile), SES calls tolerate "already exists" and
 * "not found", and the identity item is written last, with its audit entry, in one transaction.
 */
import { sesTenantName } from '../../adapters/ses/ses-tenant';
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { logger } from '../../observability/logger';
import { UnitOfWork, isConditionFailure } from '../../store/unit-of-work';
import { forgetResolvedSender } from './resolve-sender';
import { newSenderIdentity, withSesState, type SenderIdentity } from './sender-identity';
import { domainOfAddress, domainProblem } from './sending-domain';
import {
  createDomainIdentity,
  deleteDomainIdentity,
  dissociateFromSesTenant,
  identityArn,
  associateWithSesTenant,
  readDomainIdentity,
} from './ses-identities';
import {
  claimDomain,
  loadSenderIdentity,
  pendingIdentityTenants,
  releaseDomain,
  sameDomain,
  stageIdentityRemoval,
  stageIdentityWrite,
} from './identity-store';
import { ensureSesTenant } from './ses-tenant-setup';

export type RegisterOutcome = { created: boolean; identity: SenderIdentity };

/** A repeated registration of the same domain answers the identity as it is; another domain needs a removal first. */
export async function registerSendingDomain(principal: Principal, domain: string, now: Date): Promise<RegisterOutcome> {
  const problem = domainProblem(domain, domainOfAddress(env.platformFromAddress()));
  if (problem) throw problems.validation([{ path: 'body.domain', message: problem }]);

  const existing = await loadSenderIdentity(principal.tenantId);
  if (existing) {
    if (existing.domain === domain) return { created: false, identity: existing };
    throw problems.conflict(`${existing.domain} is registered as the sending domain. Remove it before registering another.`, {
      currentDomain: existing.domain,
    });
  }
  if (!(await claimDomain(principal.tenantId, domain, now))) {
    throw problems.conflict(`${domain} is already registered by another account.`);
  }

  let tenantName: string;
  let state: Awaited<ReturnType<typeof createDomainIdentity>>;
  try {
    tenantName = await ensureSesTenant(principal.tenantId, now);
    state = await createDomainIdentity(domain, { tenantId: principal.tenantId, stage: env.stage() });
    await associateWithSesTenant(tenantName, identityArn(domain));
  } catch (error) {
    // The domain is this tenant's only while it is registered: undo what was done so nobody finds it held.
    await undoRegistration(principal.tenantId, domain).catch((cleanup: unknown) =>
      logger.warn('sending domain registration left behind', { tenantId: principal.tenantId, error: cleanup as Error }),
    );
    throw error;
  }

  const identity = newSenderIdentity({ tenantId: principal.tenantId, domain, createdBy: principal.staffId }, state, now);
  const uow = new UnitOfWork(undefined);
  stageIdentityWrite(uow, identity, { expression: 'attribute_not_exists(pk)' });
  uow.put(auditItem(principal, { action: 'created', entity: 'sender_identity', entityId: domain }, now.toISOString()));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Another registration for this tenant won meanwhile: undo this domain's SES side unless it is that one.
    const winner = await loadSenderIdentity(principal.tenantId);
    if (winner?.domain === domain) return { created: false, identity: winner };
    await undoRegistration(principal.tenantId, domain);
    throw problems.conflict(`${winner?.domain ?? 'Another domain'} was registered meanwhile. Remove it before registering another.`);
  }
  forgetResolvedSender(principal.tenantId);
  logger.info('sending domain registered', { tenantId: principal.tenantId, status: identity.status });
  return { created: true, identity };
}

/** Removes a registration that did not complete: its SES association and identity, then the claim. */
async function undoRegistration(tenantId: string, domain: string): Promise<void> {
  await dissociateFromSesTenant(sesTenantName(env.stage(), tenantId), identityArn(domain));
  await deleteDomainIdentity(domain);
  await releaseDomain(tenantId, domain);
}

/**
 * Asks SES for the identity's current status and keeps it (the sender choice reads the kept status). An identity SES
 * no longer has (removed outside Facet) is `failed`.
 */
export async function refreshSendingDomain(identity: SenderIdentity, now: Date): Promise<SenderIdentity> {
  const state = (await readDomainIdentity(identity.domain)) ?? {
    verifiedForSending: false,
    dkimStatus: 'FAILED',
    dkimTokens: identity.dkimTokens,
  };
  const next = withSesState(identity, state, now);
  const uow = new UnitOfWork(undefined);
  stageIdentityWrite(uow, next, sameDomain(identity.domain));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Removed (or replaced) while SES was asked: what SES said is about a domain the tenant no longer has.
    return next;
  }
  if (next.status !== identity.status) {
    forgetResolvedSender(identity.tenantId);
    logger.info('sending domain status changed', { tenantId: identity.tenantId, from: identity.status, to: next.status });
  }
  return next;
}

export async function currentSendingDomain(tenantId: string, now: Date): Promise<SenderIdentity> {
  const identity = await loadSenderIdentity(tenantId);
  if (!identity) throw problems.notFound('Sending domain');
  return refreshSendingDomain(identity, now);
}

/** Removes the domain: mail goes from the platform's address again. */
export async function removeSendingDomain(principal: Principal, now: Date): Promise<void> {
  const identity = await loadSenderIdentity(principal.tenantId);
  if (!identity) throw problems.notFound('Sending domain');
  await dissociateFromSesTenant(sesTenantName(env.stage(), principal.tenantId), identityArn(identity.domain));
  await deleteDomainIdentity(identity.domain);
  const uow = new UnitOfWork(undefined);
  stageIdentityRemoval(uow, identity);
  uow.put(auditItem(principal, { action: 'deleted', entity: 'sender_identity', entityId: identity.domain }, now.toISOString()));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw problems.conflict('The sending domain changed meanwhile. Read it again.');
  }
  forgetResolvedSender(principal.tenantId);
  logger.info('sending domain removed', { tenantId: principal.tenantId });
}

/**
 * Every pending sending domain asked again (the identity refresher's run): SES verifies in the background, up to 72 h
 * after the records appear, and the sender choice reads the kept status, so someone has to ask.
 */
export async function refreshPendingSendingDomains(now: Date): Promise<{ checked: number; verified: number; failed: number }> {
  const tally = { checked: 0, verified: 0, failed: 0 };
  for await (const tenantId of pendingIdentityTenants()) {
    const identity = await loadSenderIdentity(tenantId);
    if (!identity) continue;
    const next = await refreshSendingDomain(identity, now);
    tally.checked += 1;
    if (next.status === 'verified') tally.verified += 1;
    if (next.status === 'failed') tally.failed += 1;
  }
  return tally;
}
