import { getHubRoute } from '../../shared/api/hub/contract';
import { loadHub } from '../../shared/domain/engagement/hub';
import { httpHandler, implement } from '../../shared/http/handler';

/** `GET /v1/hub`: the marketing overview of the caller's tenant. */
export const handler = httpHandler([implement(getHubRoute, async (_req, principal) => ({ status: 200, body: await loadHub(principal.tenantId) }))]);
