/**
 * Read, decide, write conditionally, and on a lost race read again: the one loop every campaign change goes through.
 * The decision is made on the campaign as read; the write is conditional on that read's revision, so a concurrent
 * change (another request, the dispatcher) makes this attempt fail its condition and decide again on fresh data.
 */
import { ProblemError, problems } from '../../http/problem';
import { failedConditionIndexes, isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { loadCampaign, type LoadedCampaign } from './campaign-repository';

export interface CampaignWrite<T> {
  readonly kind: 'write';
  /** Stages the writes; the campaign's own write must be staged first (position 0 in the transaction). */
  readonly stage: (uow: UnitOfWork) => void;
  /**
   * Turns a failed condition of one of the other staged writes (by position) into the answer, e.g. a 422 for a
   * template deleted meanwhile. Undefined: not ours to explain, the error stands.
   */
  readonly explainFailure?: (failedPositions: readonly number[]) => ProblemError | undefined;
  readonly result: T;
}

export interface CampaignUnchanged<T> {
  readonly kind: 'unchanged';
  readonly result: T;
}

export type CampaignDecision<T> = CampaignWrite<T> | CampaignUnchanged<T>;

const MAX_ATTEMPTS = 4;

/** Runs `decide` on the current campaign (404 when there is none) and commits what it stages. */
export async function mutateCampaign<T>(
  tenantId: string,
  campaignId: string,
  decide: (loaded: LoadedCampaign) => CampaignDecision<T> | Promise<CampaignDecision<T>>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadCampaign(tenantId, campaignId);
    if (!loaded) throw problems.notFound('Campaign');
    const decision = await decide(loaded);
    if (decision.kind === 'unchanged') return decision.result;
    const uow = new UnitOfWork(undefined);
    decision.stage(uow);
    try {
      await uow.commit();
      return decision.result;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const failed = failedConditionIndexes(error);
      const campaignChanged = failed.length === 0 || failed.includes(0);
      if (!campaignChanged) throw decision.explainFailure?.(failed) ?? error;
      if (attempt >= MAX_ATTEMPTS) {
        throw problems.conflict('The campaign is being changed by someone else right now. Try again.', {
          currentStatus: loaded.campaign.status,
        });
      }
    }
  }
}
