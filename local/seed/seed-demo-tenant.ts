/**
 * Seeds the demo tenant "Aurora Fine Jewellery": the generated book (./generate-demo-book.ts) written to the table, and
 * one staff member with an API key per role. `npm start` calls it on first start and `npm run reset` after wiping the
 * data; it refuses any stage that is not a dev stage, so demo data never lands in a real tenant's table.
 */
import type { Role } from '../../shared/auth/roles';
import { auditItem } from '../../shared/audit/audit-entry';
import { env, isDevStage } from '../../shared/config/env';
import { createStaffMember } from '../../shared/domain/staff/staff-repository';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { batchPutItems } from './batch-write';
import { demoBookItems } from './demo-items';
import { DEMO_STAFF, generateDemoBook } from './generate-demo-book';

export interface SeededDemoTenant {
  tenantId: string;
  apiKeys: Record<Role, string>;
}

export interface SeedStats {
  customers: number;
  items: number;
  generateMs: number;
  writeMs: number;
}

export async function seedDemoTenant(options: {
  anchor: Date;
  stage: string;
  onStats?: (stats: SeedStats) => void;
}): Promise<SeededDemoTenant> {
  if (!isDevStage(options.stage)) {
    throw new Error(`Refusing to seed the demo tenant into stage "${options.stage}": demo data is for dev stages only.`);
  }
  const started = Date.now();
  const book = generateDemoBook({ anchor: options.anchor });
  const generated = Date.now();

  const [owner, ...others] = DEMO_STAFF;
  if (owner?.role !== 'owner') throw new Error('The first demo staff member must be the owner');
  const tenant = await createTenant({ ...book.tenant, owner: { name: owner.name, email: owner.email } });
  const system = { tenantId: tenant.tenantId, staffId: 'system', role: 'system' } as const;
  const apiKeys = { owner: tenant.apiKey } as Record<Role, string>;
  for (const member of others) {
    apiKeys[member.role] = (await createStaffMember(system, member)).issued.apiKey;
  }

  const items = demoBookItems(book, tenant.tenantId);
  items.push(
    auditItem(system, {
      action: 'imported',
      entity: 'demo_seed',
      entityId: tenant.tenantId,
      detail: `Demo book seeded for ${book.today}: ${book.customers.length} customers, ${items.length} items`,
    }),
  );
  await batchPutItems(env.tableName(), items);
  const stats = { customers: book.customers.length, items: items.length, generateMs: generated - started, writeMs: Date.now() - generated };
  logger.info('demo tenant seeded', { tenantId: tenant.tenantId, ...stats });
  options.onStats?.(stats);
  return { tenantId: tenant.tenantId, apiKeys };
}
