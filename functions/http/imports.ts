import { getImportRoute, startImportRoute } from '../../shared/api/imports/contract';
import { readImport } from '../../shared/domain/imports/read-import';
import { startImport } from '../../shared/domain/imports/start-import';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';

const selfLink = (importId: string) => `/v1/imports/${importId}`;

export const handler = httpHandler([
  implement(startImportRoute, async (request, principal) => {
    const file =
      request.rawBody !== undefined
        ? ({ format: 'csv', text: request.rawBody } as const)
        : ({ format: 'json', records: request.body } as const);
    const job = await startImport(principal, request.query.kind, file);
    const self = selfLink(job.importId);
    return {
      status: 202,
      headers: { location: self },
      body: { importId: job.importId, status: 'queued', kind: job.kind, rows: job.totalRows, links: { self } },
    };
  }),
  implement(getImportRoute, async (request, principal) => {
    const view = await readImport(principal.tenantId, request.params.importId, request.query);
    if (!view) throw problems.notFound('Import');
    return { status: 200, body: { ...view, links: { self: selfLink(view.importId) } } };
  }),
]);
