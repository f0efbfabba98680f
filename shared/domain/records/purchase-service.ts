/**
 * Recording purchases and refunds: the purchase item, the customer's aggregates, the domain event and the audit entry
 * in one transaction. Called by the HTTP handler (`source: 'api'`) and the bulk importer (`source: 'import'`).
 */
import { newId } from '../../ids';
import { problems, ProblemError } from '../../http/problem';
import { aggregatesOf } from '../customers/aggregates';
import type { CreateOutcome } from './create-outcome';
import { applyPurchase, purchaseAggregates } from './purchase-aggregates';
import { planRefund, withRefund, type Purchase, type Refund, type RefundPlan } from './purchase';
import { clockOf, publisherOf, recordAudit, tenantTimeZone, type RecordContext } from './record-context';
import { newPurchase, newRefund } from './record-factories';
import { allRecords, externalIdHolder } from './record-store';
import { writeCustomerRecords } from './record-write';
import { putNewRecord, putRecordVersion } from './record-writes';
import type { PurchaseCreate, RefundCreate } from './schemas';

export async function recordPurchase(context: RecordContext, customerId: string, input: PurchaseCreate): Promise<CreateOutcome<Purchase>> {
  const { tenantId } = context;
  const timeZone = await tenantTimeZone(tenantId);
  const now = clockOf(context).toISOString();
  // Built once: every attempt writes the same id, so a retried attempt can never record the sale twice.
  const purchase = newPurchase(input, { customerId, actor: context.actor, source: context.source, now });

  const { result } = await writeCustomerRecords<CreateOutcome<Purchase>>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      if (purchase.externalId !== undefined) {
        const holder = await externalIdHolder(tenantId, 'PURCHASE', purchase.externalId);
        if (holder) return { write: false, result: { outcome: 'duplicate', existing: holder } };
      }
      return {
        write: true,
        // The incremental path: adding a purchase needs none of the customer's other purchases.
        agg: applyPurchase(aggregatesOf(customer.agg), purchase, timeZone),
        writes: (uow) => {
          putNewRecord(uow, tenantId, 'PURCHASE', purchase);
          uow.emit({
            type: 'purchase.recorded',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            purchaseId: purchase.purchaseId,
            purchasedAt: purchase.purchasedAt,
            amount: purchase.total,
            departments: [...new Set(purchase.lines.map((line) => line.department))],
          });
          uow.put(recordAudit(context, { action: 'created', entity: 'purchase', entityId: purchase.purchaseId }, now));
        },
        result: { outcome: 'created', record: purchase },
      };
    },
  });
  return result;
}

export interface RefundResult {
  refund: Refund;
  purchase: Purchase;
}

/**
 * Refunds part or all of a purchase. The purchase aggregates are recomputed from all of the customer's purchases:
 * a refund can shrink the largest purchase, move the first or last purchase, or take a purchase out of the count,
 * none of which subtraction could undo.
 */
export async function refundPurchase(
  context: RecordContext,
  customerId: string,
  purchaseId: string,
  input: RefundCreate,
): Promise<RefundResult> {
  const { tenantId } = context;
  const timeZone = await tenantTimeZone(tenantId);
  const now = clockOf(context).toISOString();
  const refundId = newId();

  const { result } = await writeCustomerRecords<RefundResult>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      const purchases = await allRecords(tenantId, customerId, 'PURCHASE');
      const target = purchases.find((p) => p.purchaseId === purchaseId);
      if (!target) throw problems.notFound('Purchase');
      if (input.refundedAt !== undefined && Date.parse(input.refundedAt) < Date.parse(target.purchasedAt)) {
        throw problems.unprocessable('A refund cannot be dated before the purchase.', {
          errors: [{ path: 'body.refundedAt', message: `Must be on or after ${target.purchasedAt}` }],
        });
      }
      const plan = planRefund(target, input.lines === undefined ? { amount: input.amount ?? 0 } : { lines: input.lines });
      if (!plan.ok) throw refundRefused(plan);
      const refund = newRefund(plan, input, { actor: context.actor, now }, refundId);
      const refunded = withRefund(target, refund, now);
      const after = purchases.map((p) => (p.purchaseId === purchaseId ? refunded : p));
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), ...purchaseAggregates(after, timeZone) },
        writes: (uow) => {
          putRecordVersion(uow, tenantId, 'PURCHASE', refunded, target.version);
          uow.emit({
            type: 'purchase.refunded',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            purchaseId,
            refundId,
            amount: refund.amount,
          });
          uow.put(
            recordAudit(context, { action: 'updated', entity: 'purchase', entityId: purchaseId, fields: ['refunds'], detail: 'refund' }, now),
          );
        },
        result: { refund, purchase: refunded },
      };
    },
  });
  return result;
}

function refundRefused(plan: Exclude<RefundPlan, { ok: true }>): ProblemError {
  switch (plan.problem) {
    case 'fully_refunded':
      return problems.conflict('The purchase is already fully refunded.', { refundable: 0 });
    case 'exceeds_refundable':
      return problems.unprocessable(`Cannot refund ${plan.requested}: only ${plan.refundable} of the purchase is left to refund.`, {
        refundable: plan.refundable,
        errors: [{ path: 'body.amount', message: `At most ${plan.refundable}` }],
      });
    case 'exceeds_line':
      return problems.unprocessable(`Cannot refund ${plan.requested} of line ${plan.lineIndex}: only ${plan.refundable} is left on it.`, {
        refundable: plan.refundable,
        errors: [{ path: plan.path, message: `At most ${plan.refundable}` }],
      });
    case 'unknown_line':
      return problems.unprocessable(`The purchase has no line ${plan.lineIndex}.`, {
        errors: [{ path: plan.path, message: 'No such line in this purchase' }],
      });
    case 'duplicate_line':
      return problems.validation([{ path: plan.path, message: 'Each line can appear once in a refund' }]);
  }
}
