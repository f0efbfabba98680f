import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { stageSuppression, suppressionFor } from '../suppression/suppression-repository';
import { withdrawAll, type ConsentChannel } from './consent';
import { consentHistoryItem } from './consent-history';
import { erasureChanges, type CustomerItem } from './customer-item';
import { customerCollection, withoutStorageKeys } from './customer-queries';
import type { CustomerActor, WriteOptions } from './customer-repository';
import { readCustomerItem } from './customer-store';
import { toCustomerView } from './customer-view';
import { scrubFreeText } from './erasure';
import { mutateCustomer } from './mutate-customer';

/**
 * GDPR rights over one customer: access (export everything stored about them) and erasure.
 *
 * Backups: the table has point-in-time recovery, which keeps continuous backups for 35 days. An erased customer's data
 * therefore still exists in those backups until they age out; a restore from before an erasure must be followed by
 * re-running the erasures recorded in the audit trail since the restore point.
 */

/** Sort-key prefix of each kind of child item, and the export section it goes to. */
const SECTIONS = {
  PURCHASE: 'purchases',
  REPAIR: 'repairs',
  LAYBY: 'laybys',
  APPT: 'appointments',
  CONSENT: 'consentHistory',
  COMM: 'communications',
} as const;
type Section = (typeof SECTIONS)[keyof typeof SECTIONS];

const sectionOf = (sk: string): Section | 'other' => SECTIONS[sk.split('#', 1)[0] as keyof typeof SECTIONS] ?? 'other';

export interface CustomerExport {
  exportedAt: string;
  customer: ReturnType<typeof toCustomerView>;
  purchases: Record<string, unknown>[];
  repairs: Record<string, unknown>[];
  laybys: Record<string, unknown>[];
  appointments: Record<string, unknown>[];
  consentHistory: Record<string, unknown>[];
  communications: Record<string, unknown>[];
  other: Record<string, unknown>[];
}

/**
 * Everything the customer's collection holds (one partition: the profile and every child record), with storage keys
 * removed. The export itself is audited.
 */
export async function exportCustomer(actor: CustomerActor, customerId: string, now: Date = new Date()): Promise<CustomerExport> {
  const profile = await readCustomerItem(actor.tenantId, customerId);
  if (!profile || profile.erased) throw problems.notFound('Customer');
  const out: CustomerExport = {
    exportedAt: now.toISOString(),
    customer: toCustomerView(profile, now),
    purchases: [],
    repairs: [],
    laybys: [],
    appointments: [],
    consentHistory: [],
    communications: [],
    other: [],
  };
  for await (const item of customerCollection(actor.tenantId, customerId)) {
    if (item.sk === 'CUSTOMER') continue;
    out[sectionOf(String(item.sk))].push(withoutStorageKeys(item));
  }
  const uow = new UnitOfWork(undefined);
  uow.put(auditItem(actor, { action: 'exported', entity: 'customer', entityId: customerId }, out.exportedAt));
  await uow.commit();
  return out;
}

export interface ErasureResult {
  customerId: string;
  erasedAt: string;
  /** Child records whose free text was blanked by this run. */
  recordsScrubbed: number;
  /** Channels whose address went onto the suppression list (as a salted hash). */
  suppressed: ConsentChannel[];
}

/**
 * Erases a customer's personal data everywhere it is stored:
 *  1. free text in every child record (purchases, repairs, lay-bys, appointments, communications) is blanked;
 *  2. in one transaction: the profile's personal fields removed and `erased` set (out of the name index; reads are 404),
 *     every consent withdrawn (source `erasure`), the email and external-id guards released, the salted hashes of the
 *     email address and phone number put on the suppression list (reason `erased`, so a re-import brings no marketing
 *     back), an audit entry and a `customer.erased` event.
 * Records go first so that a crash in between leaves a customer that is not yet erased and can be erased again; erasing
 * an already erased customer re-runs step 1 only (idempotent), so retrying after any failure completes the job.
 */
export async function eraseCustomer(actor: CustomerActor, customerId: string, options: WriteOptions): Promise<ErasureResult> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const existing = await readCustomerItem(actor.tenantId, customerId);
  if (!existing) throw problems.notFound('Customer');

  const recordsScrubbed = await scrubChildRecords(actor.tenantId, customerId);
  if (existing.erased) {
    return { customerId, erasedAt: existing.erasedAt ?? existing.updatedAt, recordsScrubbed, suppressed: [] };
  }

  let suppressed: ConsentChannel[] = [];
  await mutateCustomer({
    tenantId: actor.tenantId,
    customerId,
    publisher: options.publisher,
    now: () => now,
    apply: (customer) => {
      const consent = withdrawAll(customer.consent, { at, source: 'erasure', ...(actor.role === 'system' ? {} : { actorStaffId: actor.staffId }) });
      return { set: erasureChanges(customer, consent.state, at) };
    },
    also: (uow, { before }) => {
      const withdrawn = withdrawAll(before.consent, { at, source: 'erasure', ...(actor.role === 'system' ? {} : { actorStaffId: actor.staffId }) });
      for (const transition of withdrawn.transitions) uow.put(consentHistoryItem(actor.tenantId, customerId, transition));
      suppressed = suppressAddresses(uow, actor, before, at);
      uow.put(auditItem(actor, { action: 'erased', entity: 'customer', entityId: customerId }, at));
      uow.emit({ type: 'customer.erased', tenantId: actor.tenantId, customerId, occurredAt: at, source: options.source ?? 'api' });
    },
  });
  return { customerId, erasedAt: at, recordsScrubbed, suppressed };
}

function suppressAddresses(uow: UnitOfWork, actor: CustomerActor, customer: CustomerItem, at: string): ConsentChannel[] {
  const addresses: [ConsentChannel, string | undefined][] = [
    ['email', customer.email],
    ['sms', customer.phone],
  ];
  const suppressed: ConsentChannel[] = [];
  for (const [channel, address] of addresses) {
    if (!address) continue;
    // Replaces an existing entry for the address (e.g. a bounce that kept the plain address), which is what erasure needs.
    stageSuppression(uow, suppressionFor(actor.tenantId, channel, address, 'erased', actor.staffId, at));
    suppressed.push(channel);
  }
  return suppressed;
}

/**
 * Blanks the free text of every child record. Each record is written back only if it still exists (a record deleted
 * meanwhile is not resurrected); consent history holds no free text and is left as it is.
 */
async function scrubChildRecords(tenantId: string, customerId: string): Promise<number> {
  let scrubbed = 0;
  for await (const item of customerCollection(tenantId, customerId)) {
    const sk = String(item.sk);
    if (sk === 'CUSTOMER' || sk.startsWith('CONSENT#')) continue;
    const clean = scrubFreeText(item);
    if (clean === item) continue;
    try {
      await documentClient.send(
        new PutCommand({ TableName: env.tableName(), Item: clean, ConditionExpression: 'attribute_exists(pk)' }),
      );
      scrubbed++;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return scrubbed;
}
