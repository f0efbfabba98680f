/**
 * Who an email is from, pure. Until the tenant's own domain is verified, mail goes from the platform's verified address
 * with the store's name as display name and the store's own address as Reply-To; once verified, from the store's
 * sender (settings `defaultSender`) when that address is at the domain, else from `no-reply@{domain}` with the
 * store's address as Reply-To.
 */
import type { TenantSettings } from '../tenants/settings';
import type { SenderIdentity } from './sender-identity';
import { domainOfAddress } from './sending-domain';

export interface ResolvedSender {
  readonly fromAddress: string;
  readonly displayName: string;
  /** Where replies go; empty when they go to `fromAddress`. */
  readonly replyTo: readonly string[];
  /** Whether mail leaves from the tenant's own verified domain. */
  readonly ownDomain: boolean;
}

const atDomain = (address: string, domain: string) => {
  const of = domainOfAddress(address);
  return of === domain || of.endsWith(`.${domain}`);
};

export function chooseSender(
  store: Pick<TenantSettings, 'name' | 'defaultSender'>,
  identity: Pick<SenderIdentity, 'domain' | 'status'> | undefined,
  platformFromAddress: string,
): ResolvedSender {
  const storeAddress = store.defaultSender?.email;
  if (identity?.status !== 'verified') {
    return { fromAddress: platformFromAddress, displayName: store.name, replyTo: storeAddress ? [storeAddress] : [], ownDomain: false };
  }
  const displayName = store.defaultSender?.name ?? store.name;
  if (storeAddress && atDomain(storeAddress, identity.domain)) {
    return { fromAddress: storeAddress, displayName, replyTo: [], ownDomain: true };
  }
  return { fromAddress: `no-reply@${identity.domain}`, displayName, replyTo: storeAddress ? [storeAddress] : [], ownDomain: true };
}
