/**
 * Reads one customer's purchases for the engine when a day-exact period leaves a boundary month open (the monthly
 * buckets cannot tell whether that month's purchases fall inside the period). Only the purchases dated in the asked
 * span are read: purchase ids start with the purchase's own instant (`recordIdAt` in records/record-factories.ts), so
 * the span is a sort-key range of the customer's partition.
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { newId } from '../../ids';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import type { PurchaseFacts } from '../records/purchase';
import type { PurchaseReader } from './evaluate-stream';

export interface PurchaseReadStats {
  /** Customers whose purchases were read. */
  customers: number;
  readUnits: number;
}

export const emptyPurchaseReadStats = (): PurchaseReadStats => ({ customers: 0, readUnits: 0 });

/** The first 10 characters of an id made at this instant: its time part, which sorts like the instant. */
const idTimePrefix = (ms: number) => newId(Math.max(0, ms)).slice(0, 10);
/** Sorts after every id character (Crockford base32), closing a range at the end of an instant. */
const AFTER_ANY_ID = '~';

/** Purchases of one customer dated in [from, to), from the table. */
export function dynamoPurchaseReader(tenantId: string, stats?: PurchaseReadStats, tableName: string = env.tableName()): PurchaseReader {
  return async ({ customerId, from, to }) => {
    const { pk, skPrefix } = keys.customerChildPrefix(tenantId, customerId, 'PURCHASE');
    const low = `${skPrefix}${idTimePrefix(Date.parse(from))}`;
    const high = `${skPrefix}${idTimePrefix(Date.parse(to) - 1)}${AFTER_ANY_ID}`;
    const purchases: PurchaseFacts[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': pk, ':low': low, ':high': high },
        // Only what the aggregate fold reads: the purchase's instant, lines and refunds.
        ProjectionExpression: 'purchasedAt, #lines, refunds',
        ExpressionAttributeNames: { '#lines': 'lines' },
        ReturnConsumedCapacity: 'TOTAL',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) purchases.push(item as PurchaseFacts);
      if (stats) stats.readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
    }
    if (stats) stats.customers += 1;
    return purchases;
  };
}

/** Purchases held in memory by customer id (tests and the bench). */
export function memoryPurchaseReader(byCustomer: ReadonlyMap<string, readonly PurchaseFacts[]>, stats?: PurchaseReadStats): PurchaseReader {
  return async ({ customerId, from, to }) => {
    if (stats) stats.customers += 1;
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    return (byCustomer.get(customerId) ?? []).filter((purchase) => {
      const at = Date.parse(purchase.purchasedAt);
      return at >= fromMs && at < toMs;
    });
  };
}
