/**
 * Lay-bys and their payments. Every change recomputes the customer's lay-by aggregates (earliest unpaid due date, open
 * lay-bys, outstanding balance) from all of their lay-bys in the same transaction. Overdue is never stored.
 */
import { newId } from '../../ids';
import { problems } from '../../http/problem';
import { aggregatesOf } from '../customers/aggregates';
import type { CreateOutcome } from './create-outcome';
import { laybyAggregates, withLaybyPayment, type Layby, type LaybyPayment } from './layby';
import { clockOf, publisherOf, recordAudit, type RecordContext } from './record-context';
import { newLayby } from './record-factories';
import { allRecords, externalIdHolder } from './record-store';
import { writeCustomerRecords } from './record-write';
import { putNewRecord, putRecordVersion } from './record-writes';
import type { LaybyCreate, LaybyPaymentCreate } from './schemas';

export async function createLayby(context: RecordContext, customerId: string, input: LaybyCreate): Promise<CreateOutcome<Layby>> {
  const { tenantId } = context;
  const now = clockOf(context).toISOString();
  const layby = newLayby(input, { customerId, actor: context.actor, source: context.source, now });

  const { result } = await writeCustomerRecords<CreateOutcome<Layby>>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      if (layby.externalId !== undefined) {
        const holder = await externalIdHolder(tenantId, 'LAYBY', layby.externalId);
        if (holder) return { write: false, result: { outcome: 'duplicate', existing: holder } };
      }
      const laybys = await allRecords(tenantId, customerId, 'LAYBY');
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), ...laybyAggregates([...laybys, layby]) },
        writes: (uow) => {
          putNewRecord(uow, tenantId, 'LAYBY', layby);
          uow.emit({
            type: 'layby.created',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            laybyId: layby.laybyId,
            dueDate: layby.dueDate,
          });
          uow.put(recordAudit(context, { action: 'created', entity: 'layby', entityId: layby.laybyId }, now));
        },
        result: { outcome: 'created', record: layby },
      };
    },
  });
  return result;
}

export interface LaybyPaymentResult {
  payment: LaybyPayment;
  layby: Layby;
}

/** Records a payment towards a lay-by; never more than its balance. */
export async function recordLaybyPayment(
  context: RecordContext,
  customerId: string,
  laybyId: string,
  input: LaybyPaymentCreate,
): Promise<LaybyPaymentResult> {
  const { tenantId } = context;
  const now = clockOf(context).toISOString();
  const paymentId = newId();

  const { result } = await writeCustomerRecords<LaybyPaymentResult>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      const laybys = await allRecords(tenantId, customerId, 'LAYBY');
      const current = laybys.find((l) => l.laybyId === laybyId);
      if (!current) throw problems.notFound('Lay-by');
      if (current.balance <= 0) throw problems.conflict('The lay-by is already paid in full.', { balance: 0 });
      if (input.paidAt !== undefined && Date.parse(input.paidAt) < Date.parse(current.openedAt)) {
        throw problems.unprocessable('A payment cannot be dated before the lay-by was opened.', {
          errors: [{ path: 'body.paidAt', message: `Must be on or after ${current.openedAt}` }],
        });
      }
      if (input.amount > current.balance) {
        throw problems.unprocessable(`A payment of ${input.amount} is more than the balance of ${current.balance}.`, {
          balance: current.balance,
          errors: [{ path: 'body.amount', message: `At most ${current.balance}` }],
        });
      }
      const payment: LaybyPayment = {
        paymentId,
        amount: input.amount,
        paidAt: input.paidAt ?? now,
        ...(input.method === undefined ? {} : { method: input.method }),
        recordedBy: context.actor.staffId,
      };
      const next = withLaybyPayment(current, payment, now);
      const after = laybys.map((l) => (l.laybyId === laybyId ? next : l));
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), ...laybyAggregates(after) },
        writes: (uow) => {
          putRecordVersion(uow, tenantId, 'LAYBY', next, current.version);
          uow.emit({
            type: 'layby.paid',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            laybyId,
            paymentId,
            amount: payment.amount,
            balance: next.balance,
          });
          uow.put(
            recordAudit(context, { action: 'updated', entity: 'layby', entityId: laybyId, fields: ['payments'], detail: 'payment' }, now),
          );
        },
        result: { payment, layby: next },
      };
    },
  });
  return result;
}
