import { filters as builtinFilters, Liquid } from 'liquidjs';
import { dateFilter, moneyFilter } from './filters';
import type { TenantFormat } from './tenant-format';

/**
 * The Liquid engines templates are parsed and rendered with.
 *
 * Two modes, because escaping depends on where a value lands: `html` escapes every output (`outputEscape`), `text`
 * (subject, preheader, text body, SMS) escapes nothing, so "O'Brien" stays O'Brien. The `raw` filter is removed, so a
 * template cannot switch escaping off in the HTML body. Templates are written by staff but print values that came
 * from customers and imports, which is what escaping protects against.
 *
 * The HTML escape is Liquid's `escape_once`: it escapes `& < > " '` but leaves the five entities it produces alone, so
 * text captured from escaped outputs (`{% capture %}{{ customer.last_name }}{% endcapture %}`) or escaped again by an
 * author's `| escape` is not escaped twice ("O&amp;#39;Brien").
 *
 * Templates cannot reach outside themselves: `include`, `render`, `layout` and `block` are removed (an unknown tag is
 * a syntax error on save), and no file system is configured.
 *
 * Limits stop runaway templates (a nested loop over a million, a string doubled forty times) before they hold a worker:
 * the source length (`parseLimit`), wall time per render (`renderLimit`), rendered nodes per render
 * (`templateLimit`) and allocations such as ranges and string concatenation (`memoryLimit`).
 */

export type EngineMode = 'html' | 'text';

export const TEMPLATE_LIMITS = {
  /** Characters of Liquid source parsed at once (the largest field, the HTML body, is capped below this). */
  parseLimit: 300_000,
  /** Milliseconds one field may take to render. A real email renders in well under a millisecond. */
  renderLimit: 500,
  /** Tags, text runs and outputs rendered in one field (loops multiply them). */
  templateLimit: 50_000,
  /** Liquid's allocation units (range sizes, string lengths built by filters). */
  memoryLimit: 10_000_000,
} as const;

const REMOVED_TAGS = ['include', 'render', 'layout', 'block'] as const;
const REMOVED_FILTERS = ['raw'] as const;

function createEngine(mode: EngineMode, format: TenantFormat): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    jsTruthy: false,
    templates: {},
    dynamicPartials: false,
    relativeReference: false,
    timezoneOffset: format.timeZone,
    locale: format.locale,
    // Liquid calls the escape as a filter (with its render context as `this`), which escape_once needs.
    ...(mode === 'html' ? { outputEscape: builtinFilters.escape_once as (value: unknown) => string } : {}),
    parseLimit: TEMPLATE_LIMITS.parseLimit,
    renderLimit: TEMPLATE_LIMITS.renderLimit,
    memoryLimit: TEMPLATE_LIMITS.memoryLimit,
  });
  for (const tag of REMOVED_TAGS) delete engine.tags[tag];
  for (const filter of REMOVED_FILTERS) engine.unregisterFilter(filter);
  engine.registerFilter('date', dateFilter(format));
  engine.registerFilter('money', moneyFilter(format));
  return engine;
}

/** A handful of tenants' formats per container; more than this is unusual enough to just start over. */
const MAX_CACHED_ENGINES = 64;
const engines = new Map<string, Liquid>();

export function templateEngine(mode: EngineMode, format: TenantFormat): Liquid {
  const key = `${mode}|${format.timeZone}|${format.locale}|${format.currency}`;
  let engine = engines.get(key);
  if (!engine) {
    if (engines.size >= MAX_CACHED_ENGINES) engines.clear();
    engine = createEngine(mode, format);
    engines.set(key, engine);
  }
  return engine;
}

export const renderOptions = {
  renderLimit: TEMPLATE_LIMITS.renderLimit,
  memoryLimit: TEMPLATE_LIMITS.memoryLimit,
  templateLimit: TEMPLATE_LIMITS.templateLimit,
} as const;
