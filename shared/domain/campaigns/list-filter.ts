import { DateTime } from 'luxon';
import type { CampaignListFilter } from './campaign-repository';
import type { CampaignStatus } from './state-machine';

export interface CampaignListQuery {
  status?: CampaignStatus | undefined;
  q?: string | undefined;
  /** Days, `YYYY-MM-DD`, both included, in the tenant's time zone. */
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
}

const startOfDay = (day: string, timeZone: string) => DateTime.fromISO(day, { zone: timeZone }).startOf('day');

/** The list query in storage terms: the days become the instants they start and end at in the tenant's zone. */
export function campaignListFilter(query: CampaignListQuery, timeZone: string): CampaignListFilter {
  return {
    status: query.status,
    nameContains: query.q,
    createdFrom: query.createdFrom === undefined ? undefined : startOfDay(query.createdFrom, timeZone).toJSDate().toISOString(),
    createdBefore:
      query.createdTo === undefined ? undefined : startOfDay(query.createdTo, timeZone).plus({ days: 1 }).toJSDate().toISOString(),
  };
}
