import { parseScheduleExpression } from './expressions';
import { apiErrors } from './errors';
import { DEFAULT_GROUP, type StoredGroup, type StoredSchedule } from './model';
import {
  createGroupBodySchema,
  parseRequest,
  resourceName,
  scheduleBodySchema,
  tagResourceBodySchema,
  type ScheduleBody,
} from './requests';
import { firstFireTime } from './schedule-timing';
import type { SchedulerState } from './state';
import { isValidTimeZone } from './wall-clock';

/**
 * The Scheduler API operations over the local state: what each call accepts, refuses and answers, in the service's
 * JSON shapes (timestamps as epoch seconds). The HTTP layer only routes to these.
 */
export interface OperationContext {
  readonly state: SchedulerState;
  readonly now: Date;
  /** Region of the calling client (from its request signature): ARNs are built in it. */
  readonly region: string;
  readonly accountId: string;
}

export type JsonObject = Record<string, unknown>;

const START_DATE_GRACE_MS = 5 * 60_000;
const MAX_PAGE = 100;

export const scheduleArn = (context: Pick<OperationContext, 'region' | 'accountId'>, group: string, name: string) =>
  `arn:aws:scheduler:${context.region}:${context.accountId}:schedule/${group}/${name}`;

export const groupArn = (context: Pick<OperationContext, 'region' | 'accountId'>, group: string) =>
  `arn:aws:scheduler:${context.region}:${context.accountId}:schedule-group/${group}`;

const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

function validName(name: string, field: string): string {
  const parsed = resourceName.safeParse(name);
  if (!parsed.success) {
    throw apiErrors.validation(`Value '${name}' at '${field}' failed to satisfy constraint: must match [0-9a-zA-Z-_.]{1,64}`);
  }
  return name;
}

function existingGroup(context: OperationContext, groupName: string | undefined): StoredGroup {
  const name = validName(groupName ?? DEFAULT_GROUP, 'groupName');
  const group = context.state.group(name);
  if (!group) throw apiErrors.groupNotFound(name);
  return group;
}

/** The semantic checks the service makes beyond field shapes: expression, time zone and dates. */
function checkTiming(body: ScheduleBody, now: Date): void {
  const parsed = parseScheduleExpression(body.ScheduleExpression);
  if (!parsed.ok) throw apiErrors.validation(`Invalid Schedule Expression ${body.ScheduleExpression}: ${parsed.reason}`);
  if (body.ScheduleExpressionTimezone !== undefined && !isValidTimeZone(body.ScheduleExpressionTimezone)) {
    throw apiErrors.validation(`Invalid time zone ${body.ScheduleExpressionTimezone}.`);
  }
  if (body.StartDate && Date.parse(body.StartDate) < now.getTime() - START_DATE_GRACE_MS) {
    throw apiErrors.validation('The StartDate you specify cannot be earlier than 5 minutes prior to the current time.');
  }
  if (body.EndDate && Date.parse(body.EndDate) < now.getTime()) {
    throw apiErrors.validation('The EndDate you specify cannot be earlier than the current time.');
  }
  if (body.StartDate && body.EndDate && body.EndDate <= body.StartDate) {
    throw apiErrors.validation('The EndDate you specify must be later than the StartDate.');
  }
}

function scheduleFromBody(
  context: OperationContext,
  name: string,
  body: ScheduleBody,
  created: Pick<StoredSchedule, 'creationDate' | 'clientToken'> | undefined,
): StoredSchedule {
  checkTiming(body, context.now);
  const groupName = body.GroupName ?? DEFAULT_GROUP;
  const now = context.now.toISOString();
  const timing = {
    expression: body.ScheduleExpression,
    rateAnchor: now,
    ...(body.ScheduleExpressionTimezone !== undefined ? { timeZone: body.ScheduleExpressionTimezone } : {}),
    ...(body.StartDate !== undefined ? { startDate: body.StartDate } : {}),
    ...(body.EndDate !== undefined ? { endDate: body.EndDate } : {}),
  };
  return {
    ...timing,
    name,
    groupName,
    arn: scheduleArn(context, groupName, name),
    ...(body.Description !== undefined ? { description: body.Description } : {}),
    ...(body.KmsKeyArn !== undefined ? { kmsKeyArn: body.KmsKeyArn } : {}),
    state: body.State ?? 'ENABLED',
    actionAfterCompletion: body.ActionAfterCompletion ?? 'NONE',
    flexibleTimeWindow: body.FlexibleTimeWindow,
    target: body.Target,
    creationDate: created?.creationDate ?? now,
    lastModificationDate: now,
    ...(created?.clientToken !== undefined ? { clientToken: created.clientToken } : {}),
    nextFireAt: firstFireTime(timing, context.now),
  };
}

export function createSchedule(context: OperationContext, pathName: string, rawBody: unknown): JsonObject {
  const name = validName(pathName, 'name');
  const body = parseRequest(scheduleBodySchema, rawBody);
  const group = existingGroup(context, body.GroupName);
  const existing = context.state.schedule(group.name, name);
  if (existing) {
    // A retried create (same client token) answers like the first one did.
    if (body.ClientToken !== undefined && existing.clientToken === body.ClientToken) return { ScheduleArn: existing.arn };
    throw apiErrors.scheduleExists(name, group.name);
  }
  const created = { creationDate: context.now.toISOString(), ...(body.ClientToken ? { clientToken: body.ClientToken } : {}) };
  const schedule = scheduleFromBody(context, name, body, created);
  context.state.putSchedule(schedule);
  context.state.commit();
  return { ScheduleArn: schedule.arn };
}

/** Replaces every setting of the schedule: what the request omits goes back to its default, as in the service. */
export function updateSchedule(context: OperationContext, pathName: string, rawBody: unknown): JsonObject {
  const name = validName(pathName, 'name');
  const body = parseRequest(scheduleBodySchema, rawBody);
  const group = existingGroup(context, body.GroupName);
  const existing = context.state.schedule(group.name, name);
  if (!existing) throw apiErrors.scheduleNotFound(name, group.name);
  const schedule = scheduleFromBody(context, name, body, existing);
  context.state.putSchedule(schedule);
  context.state.commit();
  return { ScheduleArn: schedule.arn };
}

export function getSchedule(context: OperationContext, pathName: string, groupName: string | undefined): JsonObject {
  const name = validName(pathName, 'name');
  const group = existingGroup(context, groupName);
  const schedule = context.state.schedule(group.name, name);
  if (!schedule) throw apiErrors.scheduleNotFound(name, group.name);
  return {
    Arn: schedule.arn,
    Name: schedule.name,
    GroupName: schedule.groupName,
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timeZone,
    StartDate: schedule.startDate !== undefined ? epochSeconds(schedule.startDate) : undefined,
    EndDate: schedule.endDate !== undefined ? epochSeconds(schedule.endDate) : undefined,
    Description: schedule.description,
    State: schedule.state,
    KmsKeyArn: schedule.kmsKeyArn,
    ActionAfterCompletion: schedule.actionAfterCompletion,
    FlexibleTimeWindow: schedule.flexibleTimeWindow,
    Target: schedule.target,
    CreationDate: epochSeconds(schedule.creationDate),
    LastModificationDate: epochSeconds(schedule.lastModificationDate),
  };
}

export function deleteSchedule(context: OperationContext, pathName: string, groupName: string | undefined): JsonObject {
  const name = validName(pathName, 'name');
  const group = existingGroup(context, groupName);
  if (!context.state.schedule(group.name, name)) throw apiErrors.scheduleNotFound(name, group.name);
  context.state.deleteSchedule(group.name, name);
  context.state.commit();
  return {};
}

/** Pagination token: the sort key of the last item returned, opaque to clients. */
const encodeToken = (lastKey: string) => Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown }).after;
    if (typeof after === 'string') return after;
  } catch {
    // falls through to the validation error
  }
  throw apiErrors.validation('Invalid NextToken.');
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return MAX_PAGE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw apiErrors.validation(`Value '${raw}' at 'maxResults' failed to satisfy constraint: must be 1-${MAX_PAGE}`);
  }
  return size;
}

function page<Item>(items: readonly Item[], keyOf: (item: Item) => string, query: URLSearchParams) {
  const after = decodeToken(query.get('NextToken') ?? undefined);
  const size = pageSize(query.get('MaxResults') ?? undefined);
  const remaining = after === undefined ? items : items.filter((item) => keyOf(item) > after);
  const pageItems = remaining.slice(0, size);
  const last = pageItems.at(-1);
  const nextToken = remaining.length > size && last !== undefined ? encodeToken(keyOf(last)) : undefined;
  return { pageItems, nextToken };
}

export function listSchedules(context: OperationContext, query: URLSearchParams): JsonObject {
  const groupName = query.get('ScheduleGroup') ?? undefined;
  if (groupName !== undefined) existingGroup(context, groupName);
  const namePrefix = query.get('NamePrefix') ?? undefined;
  const stateFilter = query.get('State') ?? undefined;
  if (stateFilter !== undefined && stateFilter !== 'ENABLED' && stateFilter !== 'DISABLED') {
    throw apiErrors.validation(`Value '${stateFilter}' at 'state' failed to satisfy constraint: must be ENABLED or DISABLED`);
  }
  const matching = context.state
    .allSchedules()
    .filter((schedule) => groupName === undefined || schedule.groupName === groupName)
    .filter((schedule) => namePrefix === undefined || schedule.name.startsWith(namePrefix))
    .filter((schedule) => stateFilter === undefined || schedule.state === stateFilter);
  const { pageItems, nextToken } = page(matching, (schedule) => `${schedule.groupName}/${schedule.name}`, query);
  return {
    Schedules: pageItems.map((schedule) => ({
      Arn: schedule.arn,
      Name: schedule.name,
      GroupName: schedule.groupName,
      State: schedule.state,
      CreationDate: epochSeconds(schedule.creationDate),
      LastModificationDate: epochSeconds(schedule.lastModificationDate),
      Target: { Arn: schedule.target.Arn },
    })),
    NextToken: nextToken,
  };
}

function groupSummary(group: StoredGroup): JsonObject {
  return {
    Arn: group.arn,
    Name: group.name,
    State: 'ACTIVE',
    CreationDate: epochSeconds(group.creationDate),
    LastModificationDate: epochSeconds(group.lastModificationDate),
  };
}

export function newGroup(
  context: Pick<OperationContext, 'region' | 'accountId' | 'now'>,
  name: string,
  tags: Record<string, string> = {},
): StoredGroup {
  const now = context.now.toISOString();
  return { name, arn: groupArn(context, name), creationDate: now, lastModificationDate: now, tags };
}

export function createScheduleGroup(context: OperationContext, pathName: string, rawBody: unknown): JsonObject {
  const name = validName(pathName, 'name');
  const body = parseRequest(createGroupBodySchema, rawBody ?? {});
  if (context.state.group(name)) throw apiErrors.groupExists(name);
  const tags = Object.fromEntries((body.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
  const group = newGroup(context, name, tags);
  context.state.putGroup(group);
  context.state.commit();
  return { ScheduleGroupArn: group.arn };
}

export function getScheduleGroup(context: OperationContext, pathName: string): JsonObject {
  return groupSummary(existingGroup(context, pathName));
}

/** Deletes the group and its schedules (the service does this asynchronously; locally it is immediate). */
export function deleteScheduleGroup(context: OperationContext, pathName: string): JsonObject {
  const group = existingGroup(context, pathName);
  if (group.name === DEFAULT_GROUP) throw apiErrors.validation('The default schedule group cannot be deleted.');
  context.state.deleteGroup(group.name);
  context.state.commit();
  return {};
}

export function listScheduleGroups(context: OperationContext, query: URLSearchParams): JsonObject {
  const namePrefix = query.get('NamePrefix') ?? undefined;
  const matching = context.state.allGroups().filter((group) => namePrefix === undefined || group.name.startsWith(namePrefix));
  const { pageItems, nextToken } = page(matching, (group) => group.name, query);
  return { ScheduleGroups: pageItems.map(groupSummary), NextToken: nextToken };
}

/** Only schedule groups carry tags in the Scheduler API. */
function taggedGroup(context: OperationContext, resourceArn: string): StoredGroup {
  const group = context.state.allGroups().find((candidate) => candidate.arn === resourceArn);
  if (!group) throw apiErrors.resourceNotFound(resourceArn);
  return group;
}

export function listTagsForResource(context: OperationContext, resourceArn: string): JsonObject {
  const group = taggedGroup(context, resourceArn);
  return { Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })) };
}

export function tagResource(context: OperationContext, resourceArn: string, rawBody: unknown): JsonObject {
  const group = taggedGroup(context, resourceArn);
  const body = parseRequest(tagResourceBodySchema, rawBody);
  const tags = { ...group.tags, ...Object.fromEntries(body.Tags.map((tag) => [tag.Key, tag.Value])) };
  context.state.putGroup({ ...group, tags });
  context.state.commit();
  return {};
}

export function untagResource(context: OperationContext, resourceArn: string, keys: readonly string[]): JsonObject {
  const group = taggedGroup(context, resourceArn);
  const tags = Object.fromEntries(Object.entries(group.tags).filter(([key]) => !keys.includes(key)));
  context.state.putGroup({ ...group, tags });
  context.state.commit();
  return {};
}
