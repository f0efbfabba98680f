import { z } from 'zod';
import { defineRoute, type RouteContract } from '../../http/contract';
import {
  templateCreateSchema,
  templatePatchSchema,
  templatePreviewRequestSchema,
  templatePreviewSchema,
  templateProblemSchema,
  templateSchema,
  templateSummarySchema,
  templateVariableSchema,
  unsavedTemplatePreviewRequestSchema,
} from '../../domain/templates/template-schema';
import { TEMPLATE_VARIABLES } from '../../domain/templates/variables';
import { page, pageQuery, problemResponses, problemSchema } from '../common';

/** Email and SMS templates with Liquid merge variables, and previews of them. */

const TAG = 'Templates';
const templateParams = z.object({ templateId: z.string().min(1).max(64) });
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const templateProblem = (description: string) =>
  ({ description, schema: templateProblemSchema, contentType: 'application/problem+json' }) as const;

const variableTable = TEMPLATE_VARIABLES.map(
  (variable) => `| \`${variable.path}\` | ${variable.kind} | ${variable.availability} | ${variable.description} |`,
).join('\n');

const LIQUID_GUIDE =
  'Every field is [Liquid](https://liquidjs.com/). Values are HTML-escaped in the HTML body only; subject, preheader, ' +
  'text body and SMS are not escaped, and line breaks in the subject become spaces. Filters: Liquid\'s own (`default`, ' +
  '`upcase`, ...), `date` (calendar days as the day they name, instants in the tenant time zone, month names in the ' +
  'tenant locale: `{{ customer.birthday | date: "%d %B" }}`) and `money` (minor units in the tenant currency: ' +
  '`{{ customer.total_spent | money }}`). `include`, `render` and the `raw` filter are not available. On save, syntax ' +
  'errors, unknown variables and templates that exceed the render limits (e.g. a runaway loop) are a 400 whose `errors` ' +
  'give the field (`body.subject`, `body.html`, ...), the `variable`, `line` and `column`.\n\n' +
  '| Variable | Kind | Available | Meaning |\n|---|---|---|---|\n' +
  variableTable;

export const listTemplatesQuery = pageQuery
  .extend({ channel: z.enum(['email', 'sms']).optional().describe('Only templates of this channel') })
  .meta({ id: 'TemplateListQuery' });

export const listTemplatesRoute = defineRoute({
  id: 'listTemplates',
  method: 'GET',
  path: '/v1/templates',
  summary: 'List templates, newest first',
  description:
    'Summaries without the bodies, a page at a time (`limit`, `cursor`). With `channel`, a page may hold fewer than ' +
    '`limit` templates while `nextCursor` is not null.',
  tag: TAG,
  auth: 'staff',
  query: listTemplatesQuery,
  responses: {
    200: { description: 'A page of templates', schema: page(templateSummarySchema).meta({ id: 'TemplatePage' }) },
    ...problemResponses,
  },
});

export const createTemplateRoute = defineRoute({
  id: 'createTemplate',
  method: 'POST',
  path: '/v1/templates',
  summary: 'Create an email or SMS template',
  description: `Owner or manager. An email template has \`subject\`, \`html\`, optional \`text\` and \`preheader\`; an SMS template has \`text\`. The response lists the \`variables\` the template uses.\n\n${LIQUID_GUIDE}`,
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'create templates',
  body: templateCreateSchema,
  responses: {
    201: { description: 'Created; `ETag` carries the version', schema: templateSchema },
    ...problemResponses,
    400: templateProblem('Invalid fields, Liquid syntax errors or unknown variables, each with field, line and column'),
  },
});

export const getTemplateRoute = defineRoute({
  id: 'getTemplate',
  method: 'GET',
  path: '/v1/templates/{templateId}',
  summary: 'Read a template',
  tag: TAG,
  auth: 'staff',
  params: templateParams,
  responses: { 200: { description: 'The template; `ETag` carries the version', schema: templateSchema }, ...problemResponses },
});

export const updateTemplateRoute = defineRoute({
  id: 'updateTemplate',
  method: 'PATCH',
  path: '/v1/templates/{templateId}',
  summary: 'Change a template',
  description:
    'Owner or manager. Only the fields sent change; `null` clears an email template\'s `text` or `preheader`; the ' +
    'channel cannot change. The result is checked like a new template. With `If-Match: "<version>"` the change applies ' +
    'only to that version (412 otherwise).',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'change templates',
  params: templateParams,
  body: templatePatchSchema,
  headers: [{ name: 'If-Match', required: false, description: 'ETag (version) the change is based on' }],
  responses: {
    200: { description: 'The template after the change', schema: templateSchema },
    ...problemResponses,
    400: templateProblem('Invalid fields, Liquid syntax errors or unknown variables, each with field, line and column'),
    409: problem('Changed by someone else several times in a row'),
    412: problem('`If-Match` names a version that is no longer current'),
  },
});

export const deleteTemplateRoute = defineRoute({
  id: 'deleteTemplate',
  method: 'DELETE',
  path: '/v1/templates/{templateId}',
  summary: 'Delete a template',
  description: 'Owner or manager. A template a campaign or automation still uses is a 409 listing them in `references`.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'delete templates',
  params: templateParams,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, 409: problem('The template is in use') },
});

const previewDescription =
  'Renders as the customer would receive it: tenant time zone, locale and currency, the customer\'s fields (or those of ' +
  'a built-in sample customer when `customerId` is absent), and a placeholder unsubscribe link. An email preview gives ' +
  'subject, preheader, HTML and text; an SMS preview the text with its part count and encoding (GSM-7: 160 characters, ' +
  '153 per part; UCS-2: 70, 67 per part). A customer of another tenant is a 404. Nothing is sent or stored.';

export const previewTemplateRoute = defineRoute({
  id: 'previewTemplate',
  method: 'POST',
  path: '/v1/templates/{templateId}/preview',
  summary: 'Preview a saved template for a customer',
  description: previewDescription,
  tag: TAG,
  auth: 'staff',
  params: templateParams,
  body: templatePreviewRequestSchema,
  responses: {
    200: { description: 'The rendered message', schema: templatePreviewSchema },
    ...problemResponses,
    422: templateProblem('The template could not be rendered (a render limit was reached)'),
  },
});

export const previewUnsavedTemplateRoute = defineRoute({
  id: 'previewUnsavedTemplate',
  method: 'POST',
  path: '/v1/templates/preview',
  summary: 'Preview a template before saving it',
  description: `Takes the same body as creating a template (\`name\` optional) plus \`customerId\`, checks it the same way, and renders it. ${previewDescription}`,
  tag: TAG,
  auth: 'staff',
  body: unsavedTemplatePreviewRequestSchema,
  responses: {
    200: { description: 'The rendered message', schema: templatePreviewSchema },
    ...problemResponses,
    400: templateProblem('Invalid fields, Liquid syntax errors or unknown variables, each with field, line and column'),
    422: templateProblem('The template could not be rendered (a render limit was reached)'),
  },
});

export const listTemplateVariablesRoute = defineRoute({
  id: 'listTemplateVariables',
  method: 'GET',
  path: '/v1/template-variables',
  summary: 'The merge variables templates may use',
  description: LIQUID_GUIDE,
  tag: TAG,
  auth: 'staff',
  responses: {
    200: {
      description: 'The variable catalogue',
      schema: z.object({ items: z.array(templateVariableSchema) }).meta({ id: 'TemplateVariableList' }),
    },
    ...problemResponses,
  },
});

export const templateRoutes = [
  listTemplatesRoute,
  createTemplateRoute,
  getTemplateRoute,
  updateTemplateRoute,
  deleteTemplateRoute,
  previewTemplateRoute,
  previewUnsavedTemplateRoute,
  listTemplateVariablesRoute,
] as const satisfies readonly RouteContract[];
