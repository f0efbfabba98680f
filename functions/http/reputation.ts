import { acknowledgeReputationRoute, getReputationRoute } from '../../shared/api/reputation/contract';
import { acknowledgeReputation, reputationView } from '../../shared/domain/engagement/reputation-acknowledge';
import { httpHandler, implement } from '../../shared/http/handler';

/** The reputation guard's status and its acknowledgement (owner or manager). */
export const handler = httpHandler([
  implement(getReputationRoute, async (_req, principal) => ({ status: 200, body: await reputationView(principal.tenantId) })),
  implement(acknowledgeReputationRoute, async ({ body }, principal) => ({ status: 200, body: await acknowledgeReputation(principal, body?.note) })),
]);
