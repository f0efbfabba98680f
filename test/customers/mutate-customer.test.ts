import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, mutateCustomer, AlsoConditionFailed, readCustomerItem } from '../../shared/domain/customers/customer-repository';
import { eraseCustomer } from '../../shared/domain/customers/customer-privacy';
import { customerCreateSchema } from '../../shared/domain/customers/customer-schema';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { ProblemError } from '../../shared/http/problem';
import { logger } from '../../shared/observability/logger';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';

let stack: TestEmulators;
let tenantId: string;
const system = () => ({ tenantId, staffId: 'system', role: 'system' }) as const;
const newCustomer = async (body: Record<string, unknown> = {}) =>
  createCustomer(system(), customerCreateSchema.parse({ lastName: 'Mutable', ...body }), { publisher: undefined, source: 'import' });

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  tenantId = (await createTenant({ name: 'Mutations', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
});

afterAll(async () => stack?.stop());

describe('mutateCustomer', () => {
  it('writes the customer and the extra writes in one transaction, bumping the version', async () => {
    const customer = await newCustomer();
    const childKey = keys.customerChild(tenantId, customer.customerId, 'PURCHASE', 'P1');
    const { before, after } = await mutateCustomer({
      tenantId,
      customerId: customer.customerId,
      publisher: undefined,
      apply: (current) => ({ set: { agg: { ...current.agg, purchaseCount: 1, totalSpent: 500 } } }),
      also: (uow) => uow.put({ ...childKey, type: 'Purchase' }, { expression: 'attribute_not_exists(pk)' }),
    });
    expect(before.version).toBe(1);
    expect(after).toMatchObject({ version: 2, agg: { purchaseCount: 1, totalSpent: 500 } });
    expect(await readCustomerItem(tenantId, customer.customerId)).toEqual(after);
  });

  it('reports which of the extra writes failed its condition, and writes nothing', async () => {
    const customer = await newCustomer();
    const taken = keys.customerChild(tenantId, customer.customerId, 'PURCHASE', 'TAKEN');
    await documentClient.send(new PutCommand({ TableName: stack.tableName, Item: { ...taken, type: 'Purchase' } }));
    const attempt = mutateCustomer({
      tenantId,
      customerId: customer.customerId,
      publisher: undefined,
      apply: () => ({ set: { notes: 'should not land' } }),
      also: (uow) => {
        uow.put({ ...keys.customerChild(tenantId, customer.customerId, 'PURCHASE', 'FREE'), type: 'Purchase' }, { expression: 'attribute_not_exists(pk)' });
        uow.put({ ...taken, type: 'Purchase' }, { expression: 'attribute_not_exists(pk)' });
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(AlsoConditionFailed);
    await expect(attempt).rejects.toMatchObject({ indexes: [1] });
    expect(await readCustomerItem(tenantId, customer.customerId)).toMatchObject({ version: 1 });
  });

  it('writes nothing when apply returns null', async () => {
    const customer = await newCustomer();
    let alsoCalled = false;
    const result = await mutateCustomer({
      tenantId,
      customerId: customer.customerId,
      publisher: undefined,
      apply: () => null,
      also: () => {
        alsoCalled = true;
      },
    });
    expect(result.after).toBe(result.before);
    expect(alsoCalled).toBe(false);
    expect((await readCustomerItem(tenantId, customer.customerId))?.version).toBe(1);
  });

  it('is a 404 for a missing or erased customer, and a 409 when the email is taken', async () => {
    await expect(mutateCustomer({ tenantId, customerId: 'nope', publisher: undefined, apply: () => ({ set: {} }) })).rejects.toMatchObject({ status: 404 });
    const erased = await newCustomer();
    await eraseCustomer(system(), erased.customerId, { publisher: undefined });
    await expect(mutateCustomer({ tenantId, customerId: erased.customerId, publisher: undefined, apply: () => ({ set: {} }) })).rejects.toMatchObject({ status: 404 });
    const holder = await newCustomer({ email: 'held@example.com' });
    const other = await newCustomer();
    const attempt = mutateCustomer({ tenantId, customerId: other.customerId, publisher: undefined, apply: () => ({ set: { email: 'held@example.com' } }) });
    await expect(attempt).rejects.toBeInstanceOf(ProblemError);
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    expect(holder.consent.email.service?.source).toBe('default');
  });

  it('records imported marketing consent with source import', async () => {
    const customer = await newCustomer({ consent: { email: { marketing: 'granted' } } });
    expect(customer.consent.email.marketing).toMatchObject({ status: 'granted', source: 'import' });
    expect(customer.consent.email.marketing).not.toHaveProperty('actorStaffId');
  });
});
