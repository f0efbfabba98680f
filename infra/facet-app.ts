import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FacetStack } from './stack';

export const DEFAULT_STAGE = 'dev';

export interface FacetApp {
  readonly app: App;
  readonly stack: FacetStack;
}

/**
 * The CDK app: one stack `facet-{stage}` (stage from the `stage` context, `-c stage=prod`) with its operations nested
 * stack, environment-agnostic so it synthesizes offline, checked by cdk-nag's AwsSolutions pack. cdk-nag 3 runs as a
 * policy-validation plugin after synthesis and walks the whole construct tree, nested stack included; every finding
 * is either fixed or acknowledged where the resource is built, with its reason (`Validations.of(construct)
 * .acknowledge`), and the reasons are copied into the template's metadata for auditors.
 */
export function createFacetApp(props: AppProps = {}): FacetApp {
  const app = new App(props);
  const stage: unknown = app.node.tryGetContext('stage') ?? DEFAULT_STAGE;
  if (typeof stage !== 'string') throw new Error('The `stage` context must be a string');
  const stack = new FacetStack(app, `facet-${stage}`, { stage });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack };
}
