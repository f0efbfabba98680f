import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { env } from '../../config/env';
import { ProblemError, problems, type FieldError } from '../../http/problem';
import { newId } from '../../ids';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { checkTemplate, issueToFieldError } from './check-template';
import {
  changedTemplateFields,
  contentOf,
  newTemplateItem,
  nextTemplateVersion,
  patchedTemplateInput,
  SUMMARY_ATTRIBUTES,
  toTemplateSummary,
  type TemplateItem,
  type TemplateSummaryItem,
} from './template-item';
import { findTemplateReferences, type TemplateReferenceCheck } from './template-references';
import { templateCreateSchema, type TemplateCreate, type TemplatePatch, type TemplateSummary } from './template-schema';

/**
 * Templates in the tenant partition. Every write checks the template (syntax, catalogue variables, render limits),
 * stores the variables it uses, and commits with its audit entry. Updates are conditional on the version read.
 */

/** Checks a template body and returns the variables it uses, or throws a 400 naming field, variable, line and column. */
export function validatedVariables(input: TemplateCreate, now: Date): string[] {
  const check = checkTemplate(contentOf(input), now);
  if (!check.ok) throw problems.validation(check.issues.map((issue) => issueToFieldError(issue)), 'The template has errors.');
  return check.variables;
}

export async function createTemplate(actor: Principal, input: TemplateCreate, now = new Date()): Promise<TemplateItem> {
  const variables = validatedVariables(input, now);
  const at = now.toISOString();
  const item = newTemplateItem(actor.tenantId, input, variables, { templateId: newId(now.getTime()), staffId: actor.staffId, now: at });
  const uow = new UnitOfWork(undefined);
  uow.put(item as unknown as Record<string, unknown>, { expression: 'attribute_not_exists(pk)' });
  uow.put(auditItem(actor, { action: 'created', entity: 'template', entityId: item.templateId }, at));
  await uow.commit();
  return item;
}

async function readTemplateItem(tenantId: string, templateId: string): Promise<TemplateItem | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenantEntity(tenantId, 'TEMPLATE', templateId), ConsistentRead: true }),
  );
  return Item as TemplateItem | undefined;
}

/** A template of this tenant, or a 404 (another tenant's id is simply not found under this tenant's key). */
export async function loadTemplate(tenantId: string, templateId: string): Promise<TemplateItem> {
  const item = await readTemplateItem(tenantId, templateId);
  if (!item) throw problems.notFound('Template');
  return item;
}

export interface TemplateListQuery {
  limit: number;
  cursor?: string | undefined;
  channel?: 'email' | 'sms' | undefined;
}

/** Newest first. With `channel`, a page may hold fewer than `limit` templates while `nextCursor` is not null. */
export async function listTemplates(tenantId: string, query: TemplateListQuery): Promise<{ items: TemplateSummary[]; nextCursor: string | null }> {
  const { pk, skPrefix } = keys.tenantEntityPrefix(tenantId, 'TEMPLATE');
  const startKey = decodeCursor(query.cursor, { attribute: 'pk', value: pk });
  if (startKey && !String(startKey.sk ?? '').startsWith(skPrefix)) {
    throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
  const names = Object.fromEntries(SUMMARY_ATTRIBUTES.map((attribute, i) => [`#a${i}`, attribute]));
  const channelName = `#a${SUMMARY_ATTRIBUTES.indexOf('channel')}`;
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ...(query.channel ? { ':channel': query.channel } : {}) },
      ExpressionAttributeNames: names,
      ProjectionExpression: Object.keys(names).join(', '),
      ...(query.channel ? { FilterExpression: `${channelName} = :channel` } : {}),
      ScanIndexForward: false,
      Limit: query.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return {
    items: (result.Items ?? []).map((item) => toTemplateSummary(item as TemplateSummaryItem)),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}

export function preconditionFailed(currentVersion: number): ProblemError {
  return new ProblemError(
    412,
    'Precondition failed',
    `The template has changed since you read it (now version ${currentVersion}). Read it again and reapply your change.`,
    { currentVersion },
  );
}

/** Zod issues of the merged PATCH result, as request field errors (`body.subject`). */
function patchFieldErrors(error: z.ZodError, channel: TemplateItem['channel']): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `body.${key}`, message: `An ${channel === 'sms' ? 'SMS' : 'email'} template has no ${key}` }));
    }
    return [{ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }];
  });
}

const MAX_UPDATE_ATTEMPTS = 3;

/**
 * Applies a PATCH. With `expectedVersion` (`If-Match`) it applies only to that version, else 412; without it, a
 * concurrent change is re-read and the patch reapplied on top. A PATCH that changes nothing writes nothing.
 */
export async function updateTemplate(
  actor: Principal,
  templateId: string,
  patch: TemplatePatch,
  options: { expectedVersion?: number; now?: Date } = {},
): Promise<TemplateItem> {
  for (let attempt = 1; ; attempt += 1) {
    const now = options.now ?? new Date();
    const current = await loadTemplate(actor.tenantId, templateId);
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) throw preconditionFailed(current.version);

    const parsed = templateCreateSchema.safeParse(patchedTemplateInput(current, patch));
    if (!parsed.success) throw problems.validation(patchFieldErrors(parsed.error, current.channel));
    const variables = validatedVariables(parsed.data, now);
    const at = now.toISOString();
    const next = nextTemplateVersion(current, parsed.data, variables, { staffId: actor.staffId, now: at });
    const changed = changedTemplateFields(current, next);
    if (changed.length === 0) return current;

    const uow = new UnitOfWork(undefined);
    uow.put(next as unknown as Record<string, unknown>, { expression: 'version = :expected', values: { ':expected': current.version } });
    uow.put(auditItem(actor, { action: 'updated', entity: 'template', entityId: templateId, fields: changed }, at));
    try {
      await uow.commit();
      return next;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (options.expectedVersion !== undefined) throw preconditionFailed(current.version + 1);
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw problems.conflict('The template is being changed by someone else; try again.');
    }
  }
}

/**
 * Deletes a template nothing uses any more: a template still referenced (see ./template-references.ts) is a 409 that
 * lists the references.
 */
export async function deleteTemplate(
  actor: Principal,
  templateId: string,
  options: { referenceChecks?: readonly TemplateReferenceCheck[]; now?: Date } = {},
): Promise<void> {
  await loadTemplate(actor.tenantId, templateId);
  const references = await findTemplateReferences(actor.tenantId, templateId, options.referenceChecks);
  if (references.length > 0) {
    throw problems.conflict(`The template is used by ${references.length} campaign(s) or automation(s); change those first.`, { references });
  }
  const at = (options.now ?? new Date()).toISOString();
  const uow = new UnitOfWork(undefined);
  uow.delete(keys.tenantEntity(actor.tenantId, 'TEMPLATE', templateId), { expression: 'attribute_exists(pk)' });
  uow.put(auditItem(actor, { action: 'deleted', entity: 'template', entityId: templateId }, at));
  try {
    await uow.commit();
  } catch (error) {
    // Deleted by someone else between the read and the delete: gone either way.
    if (isConditionFailure(error)) throw problems.notFound('Template');
    throw error;
  }
}
