import {
  createAutomationRoute,
  deleteAutomationRoute,
  getAutomationRoute,
  listAutomationRunsRoute,
  listAutomationsRoute,
  previewAutomationRoute,
  previewBackfillRoute,
  runBackfillRoute,
  updateAutomationRoute,
} from '../../shared/api/automations/contract';
import { previewBackfill, runBackfill } from '../../shared/domain/automations/backfill-service';
import {
  automationView,
  createAutomation,
  deleteAutomation,
  existingAutomation,
  listAutomationViews,
  updateAutomation,
} from '../../shared/domain/automations/automation-service';
import { previewAutomation } from '../../shared/domain/automations/preview-service';
import { listRuns } from '../../shared/domain/automations/store/run-store';
import { httpHandler, implement } from '../../shared/http/handler';
import { withIdempotency } from '../../shared/http/idempotency';

const location = (automationId: string) => ({ location: `/v1/automations/${automationId}` });

/** The automations API; `now` is injected by tests. */
export function automationsApi(now: () => Date = () => new Date()) {
  return httpHandler([
    implement(listAutomationsRoute, async ({ query }, principal) => ({
      status: 200,
      body: await listAutomationViews(principal.tenantId, query, now()),
    })),
    implement(createAutomationRoute, async ({ body }, principal) => {
      const at = now();
      const stored = await createAutomation(principal, body, at);
      return { status: 201, headers: location(stored.automation.automationId), body: await automationView(stored, at) };
    }),
    implement(getAutomationRoute, async ({ params }, principal) => ({
      status: 200,
      body: await automationView(await existingAutomation(principal.tenantId, params.automationId), now()),
    })),
    implement(updateAutomationRoute, async ({ params, body }, principal) => {
      const at = now();
      return { status: 200, body: await automationView(await updateAutomation(principal, params.automationId, body, at), at) };
    }),
    implement(deleteAutomationRoute, async ({ params }, principal) => {
      await deleteAutomation(principal, params.automationId, now());
      return { status: 204 };
    }),
    implement(listAutomationRunsRoute, async ({ params, query }, principal) => {
      await existingAutomation(principal.tenantId, params.automationId);
      return { status: 200, body: await listRuns(principal.tenantId, params.automationId, query) };
    }),
    implement(previewAutomationRoute, async ({ params, query }, principal) => {
      const stored = await existingAutomation(principal.tenantId, params.automationId);
      return { status: 200, body: await previewAutomation(stored, query) };
    }),
    implement(previewBackfillRoute, async ({ params, body }, principal) => {
      const stored = await existingAutomation(principal.tenantId, params.automationId);
      return { status: 200, body: await previewBackfill(stored, body, { now: now() }) };
    }),
    implement(
      runBackfillRoute,
      withIdempotency(runBackfillRoute, async ({ params, body }, principal) => {
        const stored = await existingAutomation(principal.tenantId, params.automationId);
        return { status: 202, body: await runBackfill(principal, stored, body, { now: now() }) };
      }),
    ),
  ]);
}

export const handler = automationsApi();
