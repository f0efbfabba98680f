/**
 * HTTP entry point for what is recorded against a customer: parse (done by the contract), authorise (the principal's
 * tenant, the route's writers), call the records services with `source: 'api'`, shape the response.
 */
import type { Principal } from '../../shared/auth/roles';
import {
  cancelAppointmentRoute,
  changeRepairStatusRoute,
  createAppointmentRoute,
  createLaybyRoute,
  createRepairRoute,
  getAppointmentRoute,
  getLaybyRoute,
  getPurchaseRoute,
  getRecordsSummaryRoute,
  getRepairRoute,
  listAppointmentsRoute,
  listLaybysRoute,
  listPurchasesRoute,
  listRepairsRoute,
  recordLaybyPaymentRoute,
  recordPurchaseRoute,
  refundPurchaseRoute,
  updateAppointmentRoute,
  updateRepairRoute,
} from '../../shared/api/records/contract';
import { loadCustomer } from '../../shared/domain/customers/customer-repository';
import { cancelAppointment, createAppointment, updateAppointment } from '../../shared/domain/records/appointment-service';
import type { CreateOutcome } from '../../shared/domain/records/create-outcome';
import { todayIn } from '../../shared/domain/records/layby';
import { createLayby, recordLaybyPayment } from '../../shared/domain/records/layby-service';
import { recordPurchase, refundPurchase } from '../../shared/domain/records/purchase-service';
import { tenantTimeZone, type RecordContext } from '../../shared/domain/records/record-context';
import { listCustomerRecords, readCustomerRecord } from '../../shared/domain/records/record-queries';
import { laybyView, purchaseView, recordsSummary } from '../../shared/domain/records/record-views';
import { changeRepairStatus, createRepair, updateRepair } from '../../shared/domain/records/repair-service';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';

const apiContext = (principal: Principal): RecordContext => ({ tenantId: principal.tenantId, actor: principal, source: 'api' });

/** 201 with the new record, or 409 naming the record that already has the external id. */
function created<T, V>(outcome: CreateOutcome<T>, view: (record: T) => V, what: string) {
  if (outcome.outcome === 'duplicate') {
    throw problems.conflict(`A ${what} with this external id already exists.`, {
      existingId: outcome.existing.recordId,
      existingCustomerId: outcome.existing.customerId,
      errors: [{ path: 'body.externalId', message: `Already used by ${what} ${outcome.existing.recordId}` }],
    });
  }
  return { status: 201, body: view(outcome.record) };
}

const same = <T>(record: T) => record;

async function tenantToday(tenantId: string): Promise<string> {
  return todayIn(await tenantTimeZone(tenantId));
}

export const handler = httpHandler([
  // ---- purchases ----
  implement(recordPurchaseRoute, async ({ params, body }, principal) =>
    created(await recordPurchase(apiContext(principal), params.customerId, body), purchaseView, 'purchase'),
  ),
  implement(listPurchasesRoute, async ({ params, query }, principal) => {
    const page = await listCustomerRecords(principal.tenantId, params.customerId, 'PURCHASE', query);
    return { status: 200, body: { items: page.items.map(purchaseView), nextCursor: page.nextCursor } };
  }),
  implement(getPurchaseRoute, async ({ params }, principal) => ({
    status: 200,
    body: purchaseView(await readCustomerRecord(principal.tenantId, params.customerId, 'PURCHASE', params.purchaseId)),
  })),
  implement(refundPurchaseRoute, async ({ params, body }, principal) => {
    const { refund, purchase } = await refundPurchase(apiContext(principal), params.customerId, params.purchaseId, body);
    return { status: 201, body: { refund, purchase: purchaseView(purchase) } };
  }),

  // ---- repairs ----
  implement(createRepairRoute, async ({ params, body }, principal) =>
    created(await createRepair(apiContext(principal), params.customerId, body), same, 'repair'),
  ),
  implement(listRepairsRoute, async ({ params, query }, principal) => ({
    status: 200,
    body: await listCustomerRecords(principal.tenantId, params.customerId, 'REPAIR', query),
  })),
  implement(getRepairRoute, async ({ params }, principal) => ({
    status: 200,
    body: await readCustomerRecord(principal.tenantId, params.customerId, 'REPAIR', params.repairId),
  })),
  implement(updateRepairRoute, async ({ params, body }, principal) => ({
    status: 200,
    body: await updateRepair(apiContext(principal), params.customerId, params.repairId, body),
  })),
  implement(changeRepairStatusRoute, async ({ params, body }, principal) => ({
    status: 200,
    body: await changeRepairStatus(apiContext(principal), params.customerId, params.repairId, body),
  })),

  // ---- lay-bys ----
  implement(createLaybyRoute, async ({ params, body }, principal) => {
    const outcome = await createLayby(apiContext(principal), params.customerId, body);
    const today = await tenantToday(principal.tenantId);
    return created(outcome, (layby) => laybyView(layby, today), 'lay-by');
  }),
  implement(listLaybysRoute, async ({ params, query }, principal) => {
    const [page, today] = await Promise.all([
      listCustomerRecords(principal.tenantId, params.customerId, 'LAYBY', query),
      tenantToday(principal.tenantId),
    ]);
    return { status: 200, body: { items: page.items.map((l) => laybyView(l, today)), nextCursor: page.nextCursor } };
  }),
  implement(getLaybyRoute, async ({ params }, principal) => {
    const [layby, today] = await Promise.all([
      readCustomerRecord(principal.tenantId, params.customerId, 'LAYBY', params.laybyId),
      tenantToday(principal.tenantId),
    ]);
    return { status: 200, body: laybyView(layby, today) };
  }),
  implement(recordLaybyPaymentRoute, async ({ params, body }, principal) => {
    const { payment, layby } = await recordLaybyPayment(apiContext(principal), params.customerId, params.laybyId, body);
    return { status: 201, body: { payment, layby: laybyView(layby, await tenantToday(principal.tenantId)) } };
  }),

  // ---- appointments ----
  implement(createAppointmentRoute, async ({ params, body }, principal) =>
    created(await createAppointment(apiContext(principal), params.customerId, body), same, 'appointment'),
  ),
  implement(listAppointmentsRoute, async ({ params, query }, principal) => ({
    status: 200,
    body: await listCustomerRecords(principal.tenantId, params.customerId, 'APPT', query),
  })),
  implement(getAppointmentRoute, async ({ params }, principal) => ({
    status: 200,
    body: await readCustomerRecord(principal.tenantId, params.customerId, 'APPT', params.appointmentId),
  })),
  implement(updateAppointmentRoute, async ({ params, body }, principal) => ({
    status: 200,
    body: await updateAppointment(apiContext(principal), params.customerId, params.appointmentId, body),
  })),
  implement(cancelAppointmentRoute, async ({ params, body }, principal) => ({
    status: 200,
    body: await cancelAppointment(apiContext(principal), params.customerId, params.appointmentId, body?.reason),
  })),

  // ---- aggregates ----
  implement(getRecordsSummaryRoute, async ({ params }, principal) => {
    const [customer, timeZone] = await Promise.all([
      loadCustomer(principal.tenantId, params.customerId),
      tenantTimeZone(principal.tenantId),
    ]);
    return { status: 200, body: recordsSummary(customer, timeZone, new Date()) };
  }),
]);
