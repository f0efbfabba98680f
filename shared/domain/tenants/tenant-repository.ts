import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { newId } from '../../ids';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { UnitOfWork } from '../../store/unit-of-work';
import { stageNewStaffMember } from '../staff/staff-repository';
import { tenantSettingsSchema, type TenantSettings, type TenantSettingsPatch } from './settings';
import { applySettingsPatch } from './settings-patch';
import { tenantItem } from './tenant-item';

/**
 * Settings change rarely and are read on almost every request ("today" needs the time zone), so each Lambda container
 * keeps them for a short while. A change made through another container shows up here within this delay.
 */
export const SETTINGS_CACHE_MS = 30_000;

const cache = new Map<string, { settings: TenantSettings; until: number }>();

/**
 * The tenant's settings with every default filled in (an item written before a setting existed still gets its
 * default). A tenant that does not exist is a 404: the authorizer only lets known tenants through, so this means it
 * was deleted since.
 */
export async function loadTenantSettings(tenantId: string, now: number = Date.now()): Promise<TenantSettings> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached.settings;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }),
  );
  if (!Item) throw problems.notFound('Tenant');
  const settings = tenantSettingsSchema.parse(Item.settings ?? {});
  cache.set(tenantId, { settings, until: now + SETTINGS_CACHE_MS });
  return settings;
}

/** Drops the cached copy after this container changed the settings (and between tests). */
export function forgetTenantSettings(tenantId?: string): void {
  if (tenantId === undefined) cache.clear();
  else cache.delete(tenantId);
}

/** The tenant's settings (defaults fill what is left out) and its first owner. */
export type NewTenant = z.input<typeof tenantSettingsSchema> & { owner: { name: string; email: string } };

export interface CreatedTenant {
  tenantId: string;
  ownerStaffId: string;
  /** The owner's key: shown once, stored only as a hash. */
  apiKey: string;
}

/** A tenant with its first owner and the owner's key, all or nothing. */
export async function createTenant(input: NewTenant, now = new Date()): Promise<CreatedTenant> {
  const tenantId = newId();
  const at = now.toISOString();
  const { owner, ...requested } = input;
  const settings = tenantSettingsSchema.parse(requested);
  const system = { tenantId, staffId: 'system', role: 'system' } as const;
  const uow = new UnitOfWork(undefined);
  uow.put(tenantItem(tenantId, settings, at, 1), { expression: 'attribute_not_exists(pk)' });
  uow.put(auditItem(system, { action: 'created', entity: 'tenant', entityId: tenantId, fields: Object.keys(settings) }, at));
  const { member, issued } = stageNewStaffMember(uow, system, { ...owner, role: 'owner' }, at);
  await uow.commit();
  return { tenantId, ownerStaffId: member.staffId, apiKey: issued.apiKey };
}

/**
 * Applies a settings PATCH. Each changed setting is written as its own attribute path, so two people changing
 * different settings at the same time both keep their change. Audited with the names of the changed settings.
 */
export async function updateTenantSettings(
  actor: Principal,
  patch: TenantSettingsPatch,
  now = new Date(),
): Promise<TenantSettings> {
  forgetTenantSettings(actor.tenantId);
  const current = await loadTenantSettings(actor.tenantId);
  const { next, changed, cleared } = applySettingsPatch(current, patch);
  if (changed.length === 0) return current;

  const names: Record<string, string> = { '#settings': 'settings' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  changed.forEach((name, i) => {
    names[`#f${i}`] = name;
    if (cleared.includes(name)) removes.push(`#settings.#f${i}`);
    else {
      values[`:v${i}`] = next[name];
      sets.push(`#settings.#f${i} = :v${i}`);
    }
  });
  const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');

  const at = now.toISOString();
  const uow = new UnitOfWork(undefined);
  uow.update(keys.tenant(actor.tenantId), { expression, names, values }, { expression: 'attribute_exists(pk)' });
  uow.put(auditItem(actor, { action: 'settings_changed', entity: 'settings', entityId: actor.tenantId, fields: changed }, at));
  await uow.commit();
  forgetTenantSettings(actor.tenantId);
  return next;
}
