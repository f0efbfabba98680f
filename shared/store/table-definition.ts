/**
 * The single table's physical shape. CDK (infra/storage.ts) and the local runtime (local/dynamo) both build the table
 * from this object, so an index added here exists in AWS and on a laptop alike.
 *
 * Keys are generic (pk/sk, gsi1pk/gsi1sk, gsi2pk/gsi2sk); what they hold per entity is decided in ./keys.ts only.
 */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Time-to-live attribute (epoch seconds). DynamoDB deletes lazily, so readers also filter expired items. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Attributes the book index projects: everything a segment rule, the automation runner or a customer list needs,
 * nothing else (notes, consent history and full addresses stay on the base item). Keeping this list short is what makes
 * a segment count cheap in read units.
 */
export const BOOK_PROJECTION = [
  'customerId',
  'firstName',
  'lastName',
  'email',
  'phone',
  'city',
  'postcode',
  'addressLine',
  'birthday',
  'anniversary',
  'weddingDate',
  'tags',
  'status',
  'categories',
  'loyalty',
  'customerSince',
  'consent',
  'agg',
  'erased',
] as const;

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'ALL' | 'KEYS_ONLY' | { include: readonly string[] };
}

export const INDEXES = {
  /** Book index: a tenant's customers in BOOK_SHARDS partitions, streamed in parallel by the segment engine. */
  book: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: { include: BOOK_PROJECTION } },
  /** Lookup index: ordered listings (customers by name, campaigns by date, ...) and secondary lookups. */
  lookup: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
} as const satisfies Record<string, IndexDefinition>;

/**
 * Number of book-index partitions per tenant. Spreads a 100k-row import or send across partitions (each takes at most
 * 1,000 writes/s) and lets a segment count read them in parallel.
 */
export const BOOK_SHARDS = 16;

/** Outbox partitions: domain events are spread over these so a busy tenant cannot make one key hot. */
export const OUTBOX_SHARDS = 8;

export const tableDefinition = {
  key: TABLE_KEY,
  ttlAttribute: TTL_ATTRIBUTE,
  indexes: Object.values(INDEXES) as readonly IndexDefinition[],
} as const;
