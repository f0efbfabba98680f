import { LiquidError, type Liquid, type Template, type Variable } from 'liquidjs';
import type { LiquidField, TemplateIssue } from './template-content';
import { closestVariable, isVariableGroup, templateVariable } from './variables';

/**
 * Parses one template field and checks every variable it reads against the catalogue. Liquid's static analysis
 * separates variables the template defines itself (`assign`, `capture`, `for` loop variables, `forloop`) from those it
 * expects to be given; only the latter must be catalogue variables.
 */

export interface CompiledField extends LiquidField {
  templates: Template[];
}

export interface FieldCheck {
  compiled?: CompiledField;
  /** Catalogue paths the field reads, sorted. */
  variables: string[];
  issues: TemplateIssue[];
}

/** Properties Liquid gives lists and strings (`customer.tags.size`, `customer.tags.first`). */
const BUILT_IN_PROPERTIES = new Set(['size', 'first', 'last']);

/** liquidjs appends ", line:3, col:7" to its messages; the issue carries those as fields. */
const withoutPosition = (message: string) => message.replace(/,? line:\d+, col:\d+$/, '');

function friendlySyntaxMessage(message: string): string {
  const tag = /^tag "([^"]+)" not found$/.exec(message);
  if (tag) {
    const name = tag[1]!;
    return ['include', 'render', 'layout', 'block'].includes(name)
      ? `Templates cannot include other templates: the "${name}" tag is not available`
      : `Unknown tag "${name}"`;
  }
  const filter = /^undefined filter: (.+)$/.exec(message);
  if (filter) {
    return filter[1] === 'raw'
      ? 'The "raw" filter is not available: values are always escaped in the HTML body'
      : `Unknown filter "${filter[1]}"`;
  }
  return `Liquid syntax error: ${message}`;
}

export function liquidErrorIssue(field: LiquidField['field'], error: unknown, describe: (message: string) => string): TemplateIssue | undefined {
  if (!LiquidError.is(error)) return undefined;
  const liquidError = error as LiquidError & { token?: { getPosition(): [number, number] }; originalError?: Error };
  const [line = 1, column = 1] = liquidError.token?.getPosition() ?? [];
  return { field, message: describe(withoutPosition(liquidError.originalError?.message ?? liquidError.message)), line, column };
}

/** `customer[key]` and `customer.tags[i]` cannot be checked (or documented): fields are written out. */
function hasComputedSegment(variable: Variable): boolean {
  return variable.segments.some((segment) => typeof segment !== 'string' && typeof segment !== 'number');
}

function checkVariable(field: LiquidField['field'], variable: Variable): { path?: string; issue?: TemplateIssue } {
  const written = variable.toString();
  const at = { field, line: variable.location.row, column: variable.location.col, variable: written };
  if (hasComputedSegment(variable)) {
    return { issue: { ...at, message: `Write the field name out instead of computing it: "${written}"` } };
  }
  const segments = variable.segments.map(String);
  for (let length = segments.length; length >= 1; length -= 1) {
    const path = segments.slice(0, length).join('.');
    const entry = templateVariable(path);
    if (!entry) continue;
    const rest = segments.slice(length);
    const builtIn = rest.length === 1 && (BUILT_IN_PROPERTIES.has(rest[0]!) || /^\d+$/.test(rest[0]!)) && ['text', 'list'].includes(entry.kind);
    if (rest.length === 0 || builtIn) return { path };
    return { issue: { ...at, message: `"${path}" has no field "${rest.join('.')}"` } };
  }
  if (segments.length === 1 && isVariableGroup(segments[0]!)) {
    return { issue: { ...at, message: `"${written}" is a group of variables: use one of its fields, e.g. ${written}.${segments[0] === 'store' ? 'name' : 'first_name'}` } };
  }
  const suggestion = closestVariable(written);
  return { issue: { ...at, message: `Unknown variable "${written}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` } };
}

export function compileField(engine: Liquid, field: LiquidField): FieldCheck {
  let templates: Template[];
  try {
    templates = engine.parse(field.source);
  } catch (error) {
    const issue = liquidErrorIssue(field.field, error, friendlySyntaxMessage);
    if (issue) return { variables: [], issues: [issue] };
    // parseLimit is enforced with a plain assertion rather than a positioned LiquidError.
    if (error instanceof Error && /parse length limit/i.test(error.message)) {
      return { variables: [], issues: [{ field: field.field, message: 'The template is too long', line: 1, column: 1 }] };
    }
    throw error;
  }

  const analysis = engine.analyzeSync(templates, { partials: false });
  const variables = new Set<string>();
  const issues: TemplateIssue[] = [];
  for (const occurrences of Object.values(analysis.globals)) {
    for (const occurrence of occurrences) {
      const { path, issue } = checkVariable(field.field, occurrence);
      if (path) variables.add(path);
      if (issue) issues.push(issue);
    }
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    ...(issues.length === 0 ? { compiled: { ...field, templates } } : {}),
    variables: [...variables].sort(),
    issues,
  };
}
