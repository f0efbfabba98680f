import {
  changeConsentRoute,
  communicationsRoute,
  consentHistoryRoute,
  createCustomerRoute,
  deleteCustomerRoute,
  eraseCustomerRoute,
  exportCustomerRoute,
  getCustomerRoute,
  listCustomersRoute,
  updateCustomerRoute,
} from '../../shared/api/customers/contract';
import { communicationSchema } from '../../shared/domain/customers/communication';
import { consentChangeSchema } from '../../shared/domain/customers/consent';
import { changeConsent } from '../../shared/domain/customers/customer-consent';
import { eraseCustomer, exportCustomer } from '../../shared/domain/customers/customer-privacy';
import { listCustomers, pageOfCustomerTimeline, withoutStorageKeys } from '../../shared/domain/customers/customer-queries';
import { createCustomer, deleteCustomer, loadCustomer, updateCustomer } from '../../shared/domain/customers/customer-repository';
import { customerEtag, toCustomerView } from '../../shared/domain/customers/customer-view';
import { sqsEventPublisher } from '../../shared/events/publisher';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';

/** Customer book API: thin adapters from HTTP to shared/domain/customers. */
const publisher = sqsEventPublisher();

/** `If-Match: "3"` (or `W/"3"`, or `3`) -> 3; absent -> undefined; anything else is a 400. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw problems.validation([{ path: 'headers.if-match', message: 'Send the ETag of the customer, e.g. "3"' }]);
  return Number(match[1]);
}

export const handler = httpHandler([
  implement(listCustomersRoute, async (req, principal) => {
    const result = await listCustomers(principal.tenantId, req.query);
    const now = new Date();
    return { status: 200, body: { items: result.items.map((item) => toCustomerView(item, now)), nextCursor: result.nextCursor } };
  }),

  implement(createCustomerRoute, async (req, principal) => {
    const item = await createCustomer(principal, req.body, { publisher });
    return { status: 201, body: toCustomerView(item), headers: { etag: customerEtag(item), location: `/v1/customers/${item.customerId}` } };
  }),

  implement(getCustomerRoute, async (req, principal) => {
    const item = await loadCustomer(principal.tenantId, req.params.customerId);
    return { status: 200, body: toCustomerView(item), headers: { etag: customerEtag(item) } };
  }),

  implement(updateCustomerRoute, async (req, principal) => {
    const version = expectedVersion(req.headers['if-match']);
    const item = await updateCustomer(principal, req.params.customerId, req.body, {
      publisher,
      ...(version === undefined ? {} : { expectedVersion: version }),
    });
    return { status: 200, body: toCustomerView(item), headers: { etag: customerEtag(item) } };
  }),

  implement(deleteCustomerRoute, async (req, principal) => {
    await deleteCustomer(principal, req.params.customerId, { publisher });
    return { status: 204 };
  }),

  implement(changeConsentRoute, async (req, principal) => {
    const { customer } = await changeConsent(principal, req.params.customerId, req.body, { publisher });
    return { status: 200, body: { consent: customer.consent }, headers: { etag: customerEtag(customer) } };
  }),

  implement(consentHistoryRoute, async (req, principal) => {
    await loadCustomer(principal.tenantId, req.params.customerId);
    const result = await pageOfCustomerTimeline(principal.tenantId, req.params.customerId, 'CONSENT', req.query);
    return {
      status: 200,
      body: { items: result.items.map((item) => consentChangeSchema.parse(withoutStorageKeys(item))), nextCursor: result.nextCursor },
    };
  }),

  implement(communicationsRoute, async (req, principal) => {
    await loadCustomer(principal.tenantId, req.params.customerId);
    const result = await pageOfCustomerTimeline(principal.tenantId, req.params.customerId, 'COMM', req.query);
    return {
      status: 200,
      body: { items: result.items.map((item) => communicationSchema.parse(withoutStorageKeys(item))), nextCursor: result.nextCursor },
    };
  }),

  implement(exportCustomerRoute, async (req, principal) => {
    const data = await exportCustomer(principal, req.params.customerId);
    return {
      status: 200,
      body: data,
      headers: { 'content-disposition': `attachment; filename="customer-${req.params.customerId}.json"`, 'cache-control': 'no-store' },
    };
  }),

  implement(eraseCustomerRoute, async (req, principal) => {
    const result = await eraseCustomer(principal, req.params.customerId, { publisher });
    return { status: 200, body: result };
  }),
]);
