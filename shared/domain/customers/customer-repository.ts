/**
 * The customer book's persistence operations. `mutateCustomer` (./mutate-customer.ts) is the one way to change a
 * customer item together with other writes; the records (purchases, repairs, lay-bys, appointments) use it to keep
 * `agg` current.
 */
export { mutateCustomer, AlsoConditionFailed, type MutateCustomerOptions, type MutateCustomerResult, type CustomerMutation } from './mutate-customer';
export { loadCustomer, readCustomerItem } from './customer-store';
