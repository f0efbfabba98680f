/**
 * The OpenAPI 3.1 document, generated from the route contracts (zod): the same schemas that validate requests are the
 * documentation. Schemas carrying `.meta({ id })` become shared components.
 */
import { z } from 'zod';
import { WRITERS, describeRoles } from '../auth/roles';
import type { RouteContract } from '../http/contract';
import { problemResponses, problemSchema } from './common';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  /** Converts a zod schema; named sub-schemas move to components and are referenced. */
  convert(schema: z.ZodType, io: Io): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
    const { $schema: _drop, $defs, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const renames = new Map<string, string>();
    // Named schemas may reference each other (a page of Customer, whose address is a PostalAddress): their refs need
    // rewriting too, to whichever name each one got.
    const defs = Object.entries($defs ?? {});
    for (const [id, def] of defs) renames.set(id, this.register(id, rewriteRefs(def, new Map()), io));
    for (const [id, def] of defs) if (renames.get(id) !== id) this.components[renames.get(id)!] = rewriteRefs(def, renames);
    const topId = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    const body = rewriteRefs(rest, renames);
    if (topId) {
      const name = this.register(topId, body, io);
      return { $ref: `#/components/schemas/${name}` };
    }
    return body;
  }

  /** Input and output shapes can differ (defaults make fields optional on input): keep both, suffixing the input one. */
  private register(id: string, def: JsonSchema, io: Io): string {
    const existing = this.components[id];
    if (!existing || JSON.stringify(existing) === JSON.stringify(def)) {
      this.components[id] = def;
      return id;
    }
    const alt = `${id}${io === 'input' ? 'Input' : 'Output'}`;
    this.components[alt] = def;
    return alt;
  }
}

function rewriteRefs(value: unknown, renames: Map<string, string>): JsonSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, inner]) => {
          if (k === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')) {
            const id = inner.slice('#/$defs/'.length);
            return [k, `#/components/schemas/${renames.get(id) ?? id}`];
          }
          return [k, walk(inner)];
        }),
      );
    }
    return v;
  };
  return walk(value) as JsonSchema;
}

function parameters(collector: SchemaCollector, schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = collector.convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function operation(collector: SchemaCollector, route: RouteContract) {
  const responses: Record<string, unknown> = {};
  const standard: Record<number, (typeof problemResponses)[keyof typeof problemResponses]> = {};
  if (route.body || route.query || route.params) standard[400] = problemResponses[400];
  if (route.auth === 'staff') standard[401] = problemResponses[401];
  if (route.writers) standard[403] = problemResponses[403];
  if (route.params) standard[404] = problemResponses[404];
  for (const [status, spec] of Object.entries({ ...standard, ...route.responses })) {
    const contentType = spec.contentType ?? 'application/json';
    responses[status] = {
      description: spec.description,
      ...(spec.schema ? { content: { [contentType]: { schema: collector.convert(spec.schema, 'output') } } } : {}),
    };
  }
  if (route.body || route.accepts) {
    responses['413'] = {
      description: 'Body larger than the route accepts',
      content: { 'application/problem+json': { schema: collector.convert(problemSchema, 'output') } },
    };
  }

  const content: Record<string, unknown> = {};
  if (route.body) content['application/json'] = { schema: collector.convert(route.body, 'input') };
  for (const type of route.accepts ?? []) content[type] = { schema: { type: 'string' } };

  const roleNote = route.writers ? `\n\nAllowed roles: ${describeRoles(WRITERS[route.writers])}.` : '';
  return {
    operationId: route.id,
    summary: route.summary,
    ...(route.description || roleNote ? { description: `${route.description ?? ''}${roleNote}`.trim() } : {}),
    tags: [route.tag],
    ...(route.auth === 'staff' ? { security: [{ apiKey: [] }] } : { security: [] }),
    parameters: [
      ...parameters(collector, route.params, 'path'),
      ...parameters(collector, route.query, 'query'),
      ...(route.headers ?? []).map((h) => ({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: { type: 'string' },
      })),
    ],
    ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(routes: readonly RouteContract[], options: { serverUrl?: string; version: string }) {
  const collector = new SchemaCollector();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(collector, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Facet API',
      version: options.version,
      description:
        'Customer marketing for retail jewellers: the customer book, segments, templates, campaigns and automations. ' +
        'Money is always an integer in minor units (cents) of the tenant currency. Errors are RFC 9457 problem+json.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: collector.components,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A staff API key: `Authorization: Bearer fct_...`' },
      },
    },
  };
}
