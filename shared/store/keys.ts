/**
 * Every key of the single table is built here and nowhere else (access patterns are named after what they serve).
 * Every tenant-owned key starts with the tenant id, so a handler that builds keys from the authorizer's tenant can never
 * reach another tenant's item: a foreign id simply is not found (404).
 *
 * Layout (pk | sk):
 *   T#{t}                         | TENANT                       tenant settings
 *   T#{t}                         | STAFF#{staffId}              staff member (name, email, role)
 *   APIKEY#{sha256}               | APIKEY                       API key hash -> tenant, staff, role (authorizer)
 *   T#{t}                         | SEGMENT#{id} / TEMPLATE#{id} / CAMPAIGN#{id} / AUTOMATION#{id}   marketing config
 *   T#{t}                         | IMPORT#{id}                  import job
 *   T#{t}                         | SEGSTATS#{segmentId}         last count of a system segment (custom ones keep it on SEGMENT#)
 *   T#{t}                         | BOOKSIZE                     customers in the book at the last full segment pass
 *   T#{t}                         | SEGJOB#{jobId}               asynchronous segment count/preview with its checkpoint (TTL)
 *   T#{t}                         | IDENTITY#SENDING_DOMAIN      the tenant's sending domain (SES identity, DKIM, last status)
 *   T#{t}                         | SESTENANT                    the tenant's SES tenant, once created and associated
 *   T#{t}#SEGMENT#{segmentId}     | REF#{kind}#{ownerId}         a campaign or automation using a saved segment
 *   T#{t}#SEGJOB#{jobId}          | TOTALS#{n}                   a job's spend distribution, in binary parts (TTL)
 *   T#{t}#C#{customerId}          | CUSTOMER                     customer profile + aggregates (book index)
 *   T#{t}#C#{customerId}          | PURCHASE#{purchaseId}        purchase with line items and refunds
 *   T#{t}#C#{customerId}          | REPAIR#{id} / LAYBY#{id} / APPT#{id}
 *   T#{t}#C#{customerId}          | CONSENT#{at}#{id}            consent history (current state lives on CUSTOMER)
 *   T#{t}#C#{customerId}          | COMM#{at}#{id}               communications timeline
 *   T#{t}#C#{customerId}          | IMPORTED#{kind}#{recordId}   content hash of the last imported version (no-op re-import)
 *   T#{t}#UNIQ#{kind}#{value}     | UNIQ                         uniqueness guard (external ids, email)
 *   T#{t}#SUPP                    | {channel}#{addressHash}      suppression list
 *   T#{t}#AUDIT#{yyyy-mm}         | {at}#{id}                    audit trail, one partition per month
 *   T#{t}#IMPORT#{id}             | CHUNK#{n} / ERR#{row}        import progress per chunk, per-row errors
 *   T#{t}#IMPORT#{id}             | ROWS#{n}#{part}              a chunk's rows when too big for its SQS message
 *   T#{t}#CAMPAIGN#{id}#COUNT#{nn} | COUNTER                     one of a campaign's sharded counter items (no hot item)
 *   T#{t}#CAMPAIGN#{id}#RCPT#{nn} | {customerId}                 a campaign's recipient (frozen audience, send state)
 *   T#{t}#CAMPAIGN#{id}#SEND      | STATE / CONTENT              a campaign's dispatch checkpoint / frozen message content
 *   T#{t}                         | AUTORUNNER                   the automation runner's pass over the tenant (lease, book checkpoint)
 *   T#{t}#AUTOOCC#{a}#{nn}        | {customerId}/{occurrence}    an automation occurrence's claim and outcome (TTL)
 *   T#{t}#AUTOOCC#{a}#{nn}        | REENTRY#{customerId}         recent messages of an automation to a customer (re-entry policy)
 *   T#{t}#AUTOSTATS#{a}           | {yyyy-mm-dd}                 an automation's outcomes on a local day (TTL)
 *   T#{t}#AUTORUNS#{a}            | {startedAt}#{passId}         one runner pass over an automation (TTL)
 *   AUTOMATIONS#ENABLED           | {t}#{automationId}           switched-on automations: the runner's worklist, with its checkpoint
 *   AUTOOPEN#{nn}                 | {dueAt}#{t}#{occurrence key} occurrences not finished yet (scheduled, claimed, enqueued)
 *   SENDS#ACTIVE                  | {t}#{campaignId}             campaigns the send reconciler watches (platform-wide)
 *   T#{t}                         | REPUTATION                   the reputation guard's state (held, acknowledged, paused sends)
 *   T#{t}#REPUTATION#{nn}         | {yyyy-mm-dd}                 a UTC day's sends, hard bounces, complaints (one of REPUTATION_SHARDS)
 *   T#{t}#C#{customerId}          | ATTRIB#{purchaseId}          a purchase's attribution (which message it is credited to), once
 *   T#{t}#ATTRIBDAY               | {yyyy-mm-dd}                 attributed orders and revenue of a UTC day (the hub's 30 days)
 *   SENDERDOMAIN#{domain}         | CLAIM                        which tenant holds a sending domain (one SES identity each)
 *   SENDERDOMAINS#PENDING         | {t}                          sending domains awaiting DNS (the identity refresher's worklist)
 *   OUTBOX#{shard}                | {at}#{eventId}               domain events not yet published
 *   EVENT#{eventId}               | PROCESSED                    consumer dedupe marker (TTL a few days)
 *   IDEMPOTENCY                   | {key}                        Powertools idempotency records
 * Book index (gsi1): BOOK#{t}#{shard} | {customerId}
 * Lookup index (gsi2): T#{t}#NAMES | {lastName}#{firstName}#{customerId} (customer list, surname prefix search)
 *                     T#{t}#CAMPAIGNS | {createdAt}#{campaignId}            (campaign list, newest first)
 */
import { createHash } from 'node:crypto';
import { BOOK_SHARDS, OUTBOX_SHARDS } from './table-definition';

/**
 * Partitions of a campaign's recipients. Every recipient is written three times on its way (frozen, claimed, sent), so
 * a 100k-recipient send at 1,000 emails/s spreads ~3,000 writes/s over these: under 100 per partition. Recipients
 * live in the base table, not behind an index: an index entry would double every one of those writes.
 */
export const RECIPIENT_SHARDS = 32;

/**
 * Partitions of a tenant's daily reputation figures: every SES Send event of a 100k-recipient campaign adds to the
 * day's figures, so at 1,000 emails/s each of these takes ~250 writes/s (a partition takes 1,000).
 */
export const REPUTATION_SHARDS = 4;

/** Partitions of one automation's occurrence claims: a catch-up pass of thousands of claims spreads its writes. */
export const AUTOMATION_OCCURRENCE_SHARDS = 8;
/** Partitions of the platform-wide list of unfinished automation occurrences, read by every runner pass. */
export const OPEN_OCCURRENCE_SHARDS = 8;

export interface Key {
  pk: string;
  sk: string;
}

const tenantPk = (tenantId: string) => `T#${tenantId}`;
const customerPk = (tenantId: string, customerId: string) => `T#${tenantId}#C#${customerId}`;

/** Stable small hash used to spread ids over shards. */
export function shardOf(id: string, shards: number): number {
  const digest = createHash('sha1').update(id).digest();
  return digest.readUInt32BE(0) % shards;
}

const pad = (n: number) => String(n).padStart(2, '0');

export const keys = {
  tenant: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'TENANT' }),
  staff: (tenantId: string, staffId: string): Key => ({ pk: tenantPk(tenantId), sk: `STAFF#${staffId}` }),
  staffPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: 'STAFF#' }),
  apiKey: (keyHash: string): Key => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),

  /** Marketing configuration (segments, templates, campaigns, automations) and import jobs share the tenant partition. */
  tenantEntity: (tenantId: string, kind: TenantEntityKind, id: string): Key => ({
    pk: tenantPk(tenantId),
    sk: `${kind}#${id}`,
  }),
  tenantEntityPrefix: (tenantId: string, kind: TenantEntityKind) => ({ pk: tenantPk(tenantId), skPrefix: `${kind}#` }),

  customer: (tenantId: string, customerId: string): Key => ({ pk: customerPk(tenantId, customerId), sk: 'CUSTOMER' }),
  customerCollection: (tenantId: string, customerId: string) => ({ pk: customerPk(tenantId, customerId) }),
  customerChild: (tenantId: string, customerId: string, kind: CustomerChildKind, id: string): Key => ({
    pk: customerPk(tenantId, customerId),
    sk: `${kind}#${id}`,
  }),
  customerChildPrefix: (tenantId: string, customerId: string, kind: CustomerChildKind) => ({
    pk: customerPk(tenantId, customerId),
    skPrefix: `${kind}#`,
  }),
  /**
   * The customer item and their timeline from `since` on, as one key range: `COMM#{at}…` sorts just before the
   * customer item, with only the consent history (`CONSENT#…`) in between (`CUSTOMER_CHILD_KINDS` keeps it so; a test
   * holds it). The send worker reads both in one request for the frequency cap.
   */
  customerWithTimelineSince: (tenantId: string, customerId: string, since: string) => ({
    pk: customerPk(tenantId, customerId),
    from: `COMM#${since}`,
    to: 'CUSTOMER',
  }),
  /** Time-ordered children (consent history, communications): sk sorts by time, newest last. */
  customerTimed: (tenantId: string, customerId: string, kind: 'CONSENT' | 'COMM', at: string, id: string): Key => ({
    pk: customerPk(tenantId, customerId),
    sk: `${kind}#${at}#${id}`,
  }),

  unique: (tenantId: string, kind: UniqueKind, value: string): Key => ({
    pk: `${tenantPk(tenantId)}#UNIQ#${kind}#${value}`,
    sk: 'UNIQ',
  }),

  suppression: (tenantId: string, channel: string, addressHash: string): Key => ({
    pk: `${tenantPk(tenantId)}#SUPP`,
    sk: `${channel}#${addressHash}`,
  }),
  suppressionPrefix: (tenantId: string) => ({ pk: `${tenantPk(tenantId)}#SUPP` }),

  audit: (tenantId: string, at: string, id: string): Key => ({
    pk: `${tenantPk(tenantId)}#AUDIT#${at.slice(0, 7)}`,
    sk: `${at}#${id}`,
  }),
  auditMonth: (tenantId: string, yearMonth: string) => ({ pk: `${tenantPk(tenantId)}#AUDIT#${yearMonth}` }),

  importChunk: (tenantId: string, importId: string, chunk: number): Key => ({
    pk: `${tenantPk(tenantId)}#IMPORT#${importId}`,
    sk: `CHUNK#${String(chunk).padStart(6, '0')}`,
  }),
  importRowError: (tenantId: string, importId: string, row: number): Key => ({
    pk: `${tenantPk(tenantId)}#IMPORT#${importId}`,
    sk: `ERR#${String(row).padStart(9, '0')}`,
  }),
  importCollection: (tenantId: string, importId: string) => ({ pk: `${tenantPk(tenantId)}#IMPORT#${importId}` }),
  /** A chunk's rows parked in the table (in parts under the 400 KB item limit) when too big for an SQS message. */
  importChunkRows: (tenantId: string, importId: string, chunk: number, part: number): Key => ({
    pk: `${tenantPk(tenantId)}#IMPORT#${importId}`,
    sk: `ROWS#${String(chunk).padStart(6, '0')}#${String(part).padStart(3, '0')}`,
  }),
  importChunkRowsPrefix: (tenantId: string, importId: string, chunk: number) => ({
    pk: `${tenantPk(tenantId)}#IMPORT#${importId}`,
    skPrefix: `ROWS#${String(chunk).padStart(6, '0')}#`,
  }),
  /**
   * Content hash of the last imported version of a record (customer, purchase, ...), under its customer: a re-import
   * of an unchanged row compares hashes and writes nothing.
   */
  importFingerprint: (tenantId: string, customerId: string, kind: string, recordId: string): Key => ({
    pk: customerPk(tenantId, customerId),
    sk: `IMPORTED#${kind}#${recordId}`,
  }),

  /** Last count of a system segment (system segments are code, not items, so their count lives beside them). */
  systemSegmentStats: (tenantId: string, segmentId: string): Key => ({ pk: tenantPk(tenantId), sk: `SEGSTATS#${segmentId}` }),
  systemSegmentStatsPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: 'SEGSTATS#' }),
  /** How many customers the last full pass over the book read: decides whether a count can answer synchronously. */
  bookSize: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'BOOKSIZE' }),
  segmentJob: (tenantId: string, jobId: string): Key => ({ pk: tenantPk(tenantId), sk: `SEGJOB#${jobId}` }),
  /** Part `n` of a segment job's spend distribution (lifetime totals as float64 bytes, under the 400 KB item limit). */
  segmentJobTotals: (tenantId: string, jobId: string, part: number): Key => ({
    pk: `${tenantPk(tenantId)}#SEGJOB#${jobId}`,
    sk: `TOTALS#${String(part).padStart(4, '0')}`,
  }),
  segmentJobCollection: (tenantId: string, jobId: string) => ({ pk: `${tenantPk(tenantId)}#SEGJOB#${jobId}` }),
  /** A campaign or automation using a saved segment: written in the same transaction as that owner's change. */
  segmentReference: (tenantId: string, segmentId: string, kind: SegmentReferenceKind, ownerId: string): Key => ({
    pk: `${tenantPk(tenantId)}#SEGMENT#${segmentId}`,
    sk: `REF#${kind}#${ownerId}`,
  }),
  segmentReferences: (tenantId: string, segmentId: string) => ({ pk: `${tenantPk(tenantId)}#SEGMENT#${segmentId}`, skPrefix: 'REF#' }),

  /** Shard `shard` of a campaign's counters (shared/domain/campaigns/campaign-counters.ts); each shard its own partition. */
  campaignCounter: (tenantId: string, campaignId: string, shard: number): Key => ({
    pk: `${tenantPk(tenantId)}#CAMPAIGN#${campaignId}#COUNT#${pad(shard)}`,
    sk: 'COUNTER',
  }),

  /** A campaign's recipient, keyed by campaign + customer (the claim's conditional writes go here). */
  campaignRecipient: (tenantId: string, campaignId: string, customerId: string): Key => ({
    pk: `${tenantPk(tenantId)}#CAMPAIGN#${campaignId}#RCPT#${pad(shardOf(customerId, RECIPIENT_SHARDS))}`,
    sk: customerId,
  }),
  /** One of the RECIPIENT_SHARDS partitions of a campaign's recipients (listings query each). */
  campaignRecipientShard: (tenantId: string, campaignId: string, shard: number) => ({
    pk: `${tenantPk(tenantId)}#CAMPAIGN#${campaignId}#RCPT#${pad(shard)}`,
  }),
  /** A campaign's send pipeline items: the dispatch checkpoint (`STATE`) and the content frozen at dispatch (`CONTENT`). */
  campaignSend: (tenantId: string, campaignId: string, part: 'STATE' | 'CONTENT'): Key => ({
    pk: `${tenantPk(tenantId)}#CAMPAIGN#${campaignId}#SEND`,
    sk: part,
  }),
  /** A campaign whose send is not finished yet: the reconciler's worklist (written on start, deleted when done). */
  activeSend: (tenantId: string, campaignId: string): Key => ({ pk: 'SENDS#ACTIVE', sk: `${tenantId}#${campaignId}` }),
  activeSends: () => ({ pk: 'SENDS#ACTIVE' }),
  /** The tenant's entries of the reconciler's worklist (the reputation guard pauses them). */
  activeSendsOfTenant: (tenantId: string) => ({ pk: 'SENDS#ACTIVE', skPrefix: `${tenantId}#` }),

  /** The reputation guard's state for a tenant (shared/domain/engagement/reputation-store.ts). */
  reputationState: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'REPUTATION' }),
  /** One shard of a tenant's reputation figures for a UTC day (`yyyy-mm-dd`). */
  reputationDay: (tenantId: string, shard: number, day: string): Key => ({
    pk: `${tenantPk(tenantId)}#REPUTATION#${pad(shard)}`,
    sk: day,
  }),
  reputationDays: (tenantId: string, shard: number) => ({ pk: `${tenantPk(tenantId)}#REPUTATION#${pad(shard)}` }),
  /** A purchase's attribution, beside the customer (erased with them); its existence makes attribution run once. */
  purchaseAttribution: (tenantId: string, customerId: string, purchaseId: string): Key => ({
    pk: customerPk(tenantId, customerId),
    sk: `ATTRIB#${purchaseId}`,
  }),
  /** Attributed orders and revenue of one UTC day for the tenant. */
  attributionDay: (tenantId: string, day: string): Key => ({ pk: `${tenantPk(tenantId)}#ATTRIBDAY`, sk: day }),
  attributionDays: (tenantId: string) => ({ pk: `${tenantPk(tenantId)}#ATTRIBDAY` }),

  /** The tenant's sending domain: one per tenant (shared/domain/sender-identity). */
  senderIdentity: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'IDENTITY#SENDING_DOMAIN' }),
  /** The tenant's SES tenant (CreateTenant and its resource associations), written once they exist. */
  sesTenant: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'SESTENANT' }),
  /** An SES identity is account-wide, so a domain belongs to one tenant at most (platform-wide, like API keys). */
  senderDomainClaim: (domain: string): Key => ({ pk: `SENDERDOMAIN#${domain}`, sk: 'CLAIM' }),
  /** A sending domain still waiting for its DNS records: the identity refresher's worklist (platform-wide). */
  pendingSenderIdentity: (tenantId: string): Key => ({ pk: 'SENDERDOMAINS#PENDING', sk: tenantId }),
  pendingSenderIdentities: () => ({ pk: 'SENDERDOMAINS#PENDING' }),

  outbox: (eventId: string, at: string): Key => ({
    pk: `OUTBOX#${pad(shardOf(eventId, OUTBOX_SHARDS))}`,
    sk: `${at}#${eventId}`,
  }),
  outboxShard: (shard: number) => ({ pk: `OUTBOX#${pad(shard)}` }),
  /** Marker that a consumer has handled a domain event (delivery is at least once; event ids are global). */
  processedEvent: (eventId: string): Key => ({ pk: `EVENT#${eventId}`, sk: 'PROCESSED' }),

  /** The automation runner's current pass over a tenant: lease, window and book cursors (resumed after a timeout). */
  automationPass: (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'AUTORUNNER' }),
  /** An automation occurrence's claim: `part` is the occurrence key after `{automationId}/` (`{customerId}/birthday/2026`). */
  automationOccurrence: (tenantId: string, automationId: string, customerId: string, part: string): Key => ({
    pk: `${tenantPk(tenantId)}#AUTOOCC#${automationId}#${pad(shardOf(customerId, AUTOMATION_OCCURRENCE_SHARDS))}`,
    sk: part,
  }),
  /** A customer's recent messages from an automation (its re-entry policy), beside the customer's occurrences. */
  automationReentry: (tenantId: string, automationId: string, customerId: string): Key => ({
    pk: `${tenantPk(tenantId)}#AUTOOCC#${automationId}#${pad(shardOf(customerId, AUTOMATION_OCCURRENCE_SHARDS))}`,
    sk: `REENTRY#${customerId}`,
  }),
  automationDayStats: (tenantId: string, automationId: string, localDate: string): Key => ({
    pk: `${tenantPk(tenantId)}#AUTOSTATS#${automationId}`,
    sk: localDate,
  }),
  automationStats: (tenantId: string, automationId: string) => ({ pk: `${tenantPk(tenantId)}#AUTOSTATS#${automationId}` }),
  automationRun: (tenantId: string, automationId: string, startedAt: string, passId: string): Key => ({
    pk: `${tenantPk(tenantId)}#AUTORUNS#${automationId}`,
    sk: `${startedAt}#${passId}`,
  }),
  automationRuns: (tenantId: string, automationId: string) => ({ pk: `${tenantPk(tenantId)}#AUTORUNS#${automationId}` }),
  /** A switched-on automation: the runner's worklist (platform-wide, like the send reconciler's). */
  enabledAutomation: (tenantId: string, automationId: string): Key => ({ pk: 'AUTOMATIONS#ENABLED', sk: `${tenantId}#${automationId}` }),
  enabledAutomations: () => ({ pk: 'AUTOMATIONS#ENABLED' }),
  /** A tenant's switched-on automations in the runner's worklist (the hub counts them). */
  enabledAutomationsOfTenant: (tenantId: string) => ({ pk: 'AUTOMATIONS#ENABLED', skPrefix: `${tenantId}#` }),
  /** An occurrence not finished yet, by due instant: the runner fires scheduled ones and the sweeper finds stuck ones. */
  openOccurrence: (occurrenceKey: string, tenantId: string, dueAt: string): Key => ({
    pk: `AUTOOPEN#${pad(shardOf(`${tenantId}/${occurrenceKey}`, OPEN_OCCURRENCE_SHARDS))}`,
    sk: `${dueAt}#${tenantId}#${occurrenceKey}`,
  }),
  openOccurrenceShard: (shard: number) => ({ pk: `AUTOOPEN#${pad(shard)}` }),

  idempotencyPk: 'IDEMPOTENCY',
} as const;

export type TenantEntityKind = 'SEGMENT' | 'TEMPLATE' | 'CAMPAIGN' | 'AUTOMATION' | 'IMPORT' | 'IDENTITY';
export type SegmentReferenceKind = 'campaign' | 'automation';
export const CUSTOMER_CHILD_KINDS = ['PURCHASE', 'REPAIR', 'LAYBY', 'APPT', 'CONSENT', 'COMM'] as const;
export type CustomerChildKind = (typeof CUSTOMER_CHILD_KINDS)[number];
export type UniqueKind = 'CUSTOMER_EXT' | 'PURCHASE_EXT' | 'REPAIR_EXT' | 'LAYBY_EXT' | 'APPT_EXT' | 'EMAIL';

/** Index keys, also built only here. */
export const indexKeys = {
  /** Book index entry of a customer: which of the tenant's BOOK_SHARDS partitions it lives in. */
  book: (tenantId: string, customerId: string) => ({
    gsi1pk: `BOOK#${tenantId}#${pad(shardOf(customerId, BOOK_SHARDS))}`,
    gsi1sk: customerId,
  }),
  bookShard: (tenantId: string, shard: number) => ({ gsi1pk: `BOOK#${tenantId}#${pad(shard)}` }),

  customerByName: (tenantId: string, lastName: string, firstName: string, customerId: string) => ({
    gsi2pk: `T#${tenantId}#NAMES`,
    gsi2sk: `${normaliseForSort(lastName)}#${normaliseForSort(firstName)}#${customerId}`,
  }),
  customerNames: (tenantId: string) => ({ gsi2pk: `T#${tenantId}#NAMES` }),

  /** Campaign list entry: ordered by creation time, so a created-date range is a key range. */
  campaignByCreated: (tenantId: string, createdAt: string, campaignId: string) => ({
    gsi2pk: `T#${tenantId}#CAMPAIGNS`,
    gsi2sk: `${createdAt}#${campaignId}`,
  }),
  campaignList: (tenantId: string) => ({ gsi2pk: `T#${tenantId}#CAMPAIGNS` }),
} as const;

/** Lower-case, accent-free form used in sort keys so "Ó'Brien" sorts and prefix-matches as "o'brien". */
export function normaliseForSort(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}
