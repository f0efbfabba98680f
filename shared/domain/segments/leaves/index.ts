/** Every leaf type's definition: the compiler looks them up here, so a new leaf is a schema plus an entry below. */
import type { LeafDefinitions } from '../leaf-definition';
import { age, anniversary, birthday, newCustomer, wedding } from './calendar-dates';
import { bestCustomers, purchases } from './period-spend';
import { categories, city, consent, loyalty, manual, postcode, search, status, surname, tags } from './profile';
import { highValue, lapsed, lastPurchase, neverPurchased, salesInMonth, spentMoreThan, totalSpent, vip } from './purchase-history';
import { hasAppointment, outstandingBalance, overdueLayby, repair } from './service';

export const LEAF_DEFINITIONS: LeafDefinitions = {
  vip,
  new: newCustomer,
  lapsed,
  never_purchased: neverPurchased,
  repair,
  high_value: highValue,
  best_customers: bestCustomers,
  purchases,
  spent_more_than: spentMoreThan,
  sales_in_month: salesInMonth,
  birthday,
  anniversary,
  wedding,
  overdue_layby: overdueLayby,
  outstanding_balance: outstandingBalance,
  has_appointment: hasAppointment,
  age,
  loyalty,
  tags,
  status,
  categories,
  surname,
  city,
  postcode,
  search,
  total_spent: totalSpent,
  last_purchase: lastPurchase,
  consent,
  manual,
};
