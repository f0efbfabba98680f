import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type NestedStack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createFacetApp, type FacetApp } from '../../infra/facet-app';
import { REPO_ROOT } from '../../infra/facet-function';

export interface ValidationViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
}

export interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: ValidationViolation[] }[];
}

export interface SynthesizedFacet extends FacetApp {
  /** The deployed stack's template (facet-{stage}). */
  readonly template: Template;
  /** The operations nested stack's template: alarm topic, alarms, dashboard. */
  readonly operationsTemplate: Template;
  /** A value of the operations template with its nested-stack parameters replaced by what the parent passes. */
  readonly inParent: (value: unknown) => unknown;
  readonly assemblyDir: string;
  readonly validationReport: ValidationReport;
}

export interface SynthOptions {
  readonly stage: string;
  /** Run esbuild for every function (slow-ish); without it, assets are placeholders and no bundle is checked. */
  readonly bundle: boolean;
  /** Runs on the stack before synthesis (e.g. to add a resource that must trip a check). */
  readonly beforeSynth?: (facet: FacetApp) => void;
}

/** The feature flags of cdk.json, so the tests synthesize what `npx cdk synth` synthesizes. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the real app the way the CLI does, into a temporary directory, and returns its template and the
 * validation report (cdk-nag's findings). Validation errors are reported, not thrown, so a test can show them.
 */
export function synthesizeFacet(options: SynthOptions): SynthesizedFacet {
  const facet = createFacetApp({
    outdir: mkdtempSync(join(tmpdir(), 'facet-cdk-')),
    // The CLI's synth runs CloudFormation's schema validation; here it would triple the time and check nothing of ours.
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJsonContext(),
      stage: options.stage,
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      // As the CLI does: resources name their asset directory, which the bundle tests open.
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  options.beforeSynth?.(facet);
  const assembly = facet.app.synth();
  const validationReport = JSON.parse(
    readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  const template = Template.fromStack(facet.stack);
  return {
    ...facet,
    template,
    operationsTemplate: Template.fromStack(facet.stack.operations),
    inParent: nestedParameterResolver(template, facet.stack.operations),
    assemblyDir: assembly.directory,
    validationReport,
  };
}

/**
 * A nested template names the parent's resources through parameters (`{ Ref: 'referenceto…Ref' }`, bound on the
 * parent's AWS::CloudFormation::Stack resource). This maps such references back to the parent's own expressions
 * (`{ Ref: <logical id> }`, `{ 'Fn::GetAtt': [<logical id>, …] }`), so an assertion on a nested resource can say
 * which parent resource it watches.
 */
export function nestedParameterResolver(parent: Template, nested: NestedStack): (value: unknown) => unknown {
  const resourceId = Stack.of(nested.nestedStackResource!).getLogicalId(nested.nestedStackResource!);
  const resource = (parent.toJSON() as { Resources: Record<string, { Properties?: { Parameters?: Record<string, unknown> } }> })
    .Resources[resourceId];
  const bindings = resource?.Properties?.Parameters;
  if (!bindings) throw new Error(`No parameters on the nested stack resource ${resourceId}`);
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const ref = record.Ref;
    if (typeof ref === 'string' && Object.keys(record).length === 1 && ref in bindings) return bindings[ref];
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve;
}

/** Every statement of every IAM policy in the template (inline role policies and AWS::IAM::Policy documents). */
export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

export function allPolicyStatements(template: Template): { owner: string; statement: PolicyStatementJson }[] {
  const out: { owner: string; statement: PolicyStatementJson }[] = [];
  const push = (owner: string, document: unknown) => {
    const statements = (document as { Statement?: PolicyStatementJson[] } | undefined)?.Statement ?? [];
    for (const statement of statements) out.push({ owner, statement });
  };
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    push(id, (policy.Properties as { PolicyDocument: unknown }).PolicyDocument);
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    const inline = (role.Properties as { Policies?: { PolicyDocument: unknown }[] }).Policies ?? [];
    for (const policy of inline) push(id, policy.PolicyDocument);
  }
  return out;
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
