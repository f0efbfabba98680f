import type { FunctionSpec } from '../../functions/manifest';
import { routeKey, type RouteContract } from '../../shared/http/contract';

export type HttpFunctionSpec = FunctionSpec & { trigger: { kind: 'http' } };

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface GatewayRoute {
  readonly spec: HttpFunctionSpec;
  readonly contract: RouteContract;
  /** `GET /v1/customers/{customerId}`: what API Gateway puts in `routeKey`. */
  readonly routeKey: string;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly route: GatewayRoute;
  readonly pathParameters: Record<string, string>;
}

export const isHttpFunction = (spec: FunctionSpec): spec is HttpFunctionSpec => spec.trigger.kind === 'http';

function parseTemplate(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((part, index, parts): Segment => {
      const variable = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      if (!variable) return { kind: 'literal', value: part };
      const name = variable[1]!;
      if (variable[2] !== '+') return { kind: 'param', name };
      if (index !== parts.length - 1) throw new Error(`Greedy variable {${name}+} must be the last segment of ${path}`);
      return { kind: 'greedy', name };
    });
}

const RANK: Record<Segment['kind'], number> = { literal: 0, param: 1, greedy: 2 };

/** API Gateway picks the most specific route: at the first segment where two routes differ, a literal beats a variable, which beats a greedy one. */
function bySpecificity(a: GatewayRoute, b: GatewayRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (!left || !right) return left ? -1 : 1;
    const difference = RANK[left.kind] - RANK[right.kind];
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Every route of every HTTP function in the manifest, most specific first; two functions claiming one route is an error, as in CDK. */
export function buildRouteTable(functions: readonly FunctionSpec[]): GatewayRoute[] {
  const table: GatewayRoute[] = [];
  const owners = new Map<string, string>();
  for (const spec of functions.filter(isHttpFunction)) {
    for (const contract of spec.trigger.routes) {
      const key = routeKey(contract);
      const owner = owners.get(key);
      if (owner) throw new Error(`Route ${key} is declared by both ${owner} and ${spec.id}`);
      owners.set(key, spec.id);
      table.push({ spec, contract, routeKey: key, segments: parseTemplate(contract.path) });
    }
  }
  return table.sort(bySpecificity);
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else if (segment.kind === 'param') {
      if (part === '') return undefined;
      parameters[segment.name] = part;
    } else {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      parameters[segment.name] = rest;
      return parameters;
    }
  }
  return parts.length === segments.length ? parameters : undefined;
}

/** Matches a decoded request path; a path that matches only under another method is not found, as in API Gateway. */
export function matchRoute(table: readonly GatewayRoute[], method: string, path: string): RouteMatch | undefined {
  const parts = path.split('/').slice(1);
  for (const route of table) {
    if (route.contract.method !== method) continue;
    const pathParameters = matchSegments(route.segments, parts);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}
