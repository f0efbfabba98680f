import {
  createTemplateRoute,
  deleteTemplateRoute,
  getTemplateRoute,
  listTemplatesRoute,
  listTemplateVariablesRoute,
  previewTemplateRoute,
  previewUnsavedTemplateRoute,
  updateTemplateRoute,
} from '../../shared/api/templates/contract';
import { contentOf, templateEtag, toTemplateView } from '../../shared/domain/templates/template-item';
import { previewTemplate } from '../../shared/domain/templates/template-preview';
import {
  createTemplate,
  deleteTemplate,
  listTemplates,
  loadTemplate,
  updateTemplate,
} from '../../shared/domain/templates/template-repository';
import { TEMPLATE_VARIABLES } from '../../shared/domain/templates/variables';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';

/** Templates API: thin adapters from HTTP to shared/domain/templates. */

/** `If-Match: "3"` (or `W/"3"`, or `3`) -> 3; absent -> undefined; anything else is a 400. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw problems.validation([{ path: 'headers.if-match', message: 'Send the ETag of the template, e.g. "3"' }]);
  return Number(match[1]);
}

export const handler = httpHandler([
  implement(listTemplatesRoute, async (req, principal) => {
    const result = await listTemplates(principal.tenantId, req.query);
    return { status: 200, body: result };
  }),

  implement(createTemplateRoute, async (req, principal) => {
    const item = await createTemplate(principal, req.body);
    return {
      status: 201,
      body: toTemplateView(item),
      headers: { etag: templateEtag(item), location: `/v1/templates/${item.templateId}` },
    };
  }),

  implement(getTemplateRoute, async (req, principal) => {
    const item = await loadTemplate(principal.tenantId, req.params.templateId);
    return { status: 200, body: toTemplateView(item), headers: { etag: templateEtag(item) } };
  }),

  implement(updateTemplateRoute, async (req, principal) => {
    const version = expectedVersion(req.headers['if-match']);
    const item = await updateTemplate(principal, req.params.templateId, req.body, version === undefined ? {} : { expectedVersion: version });
    return { status: 200, body: toTemplateView(item), headers: { etag: templateEtag(item) } };
  }),

  implement(deleteTemplateRoute, async (req, principal) => {
    await deleteTemplate(principal, req.params.templateId);
    return { status: 204 };
  }),

  implement(previewTemplateRoute, async (req, principal) => {
    const item = await loadTemplate(principal.tenantId, req.params.templateId);
    const preview = await previewTemplate(principal.tenantId, contentOf(item), { customerId: req.body.customerId, saved: true });
    return { status: 200, body: preview };
  }),

  implement(previewUnsavedTemplateRoute, async (req, principal) => {
    const { customerId, ...template } = req.body;
    const preview = await previewTemplate(principal.tenantId, contentOf({ name: '', ...template }), { customerId, saved: false });
    return { status: 200, body: preview };
  }),

  implement(listTemplateVariablesRoute, async () => ({ status: 200, body: { items: TEMPLATE_VARIABLES } })),
]);
