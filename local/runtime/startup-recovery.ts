import type { FunctionId, FunctionSpec } from '../../functions/manifest';
import type { FunctionInvoker } from './function-invoker';
import { errorMessage, type RuntimeLog } from './runtime-log';

/**
 * Functions run once at every start, before the stack reports ready-for-use. local-aws-sqs keeps messages in memory,
 * so whatever a restart dropped from the queues is recovered from the table, where the truth lives. Later capabilities
 * add their reconcilers here (campaign sends in flight, for instance).
 */
export const STARTUP_RECOVERY: readonly { functionId: FunctionId; event: unknown; why: string }[] = [
  {
    functionId: 'outbox-sweeper',
    // Nothing is mid-publish at start, so every unpublished event is due now, not after the usual grace period.
    event: { minAgeSeconds: 0 },
    why: 'publish domain events the queue lost with the last process',
  },
  {
    functionId: 'campaign-reconciler',
    // The send queues lost every message the last process held: re-enqueue queued recipients and restart stalled
    // dispatches now. Claims older than 30 s belong to the last process (its workers are gone) and are settled.
    event: { requeueAfterSeconds: 0, stuckDispatchSeconds: 0, staleClaimSeconds: 30 },
    why: 'campaign sends in flight: re-enqueue what the lost queues held, settle claims the last process left',
  },
];

/** Runs each recovery in turn; a failure is logged, not fatal: the recurring schedules retry the same work. */
export async function runStartupRecovery(invoker: FunctionInvoker, functions: readonly FunctionSpec[], log: RuntimeLog): Promise<void> {
  for (const recovery of STARTUP_RECOVERY) {
    const spec = functions.find((fn) => fn.id === recovery.functionId);
    if (!spec) continue;
    try {
      await invoker.invoke(spec, recovery.event);
    } catch (error) {
      log(`[stack] ${recovery.functionId} at start (${recovery.why}) failed: ${errorMessage(error)}`);
    }
  }
}
