import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { QUEUES } from '../shared/config/queues';
import type { FunctionSpec } from '../functions/manifest';
import type { Messaging } from './messaging';
import type { StageSettings } from './stage-settings';
import type { Storage } from './storage';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest Lambda Node runtime (cdk-nag AwsSolutions-L1 asks for it); bundles target Node 20 so they also run locally. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const BUNDLE_TARGET = 'node20';
/** Powertools Metrics namespace of every custom metric (heartbeats, pipeline counters); alarms read the same. */
export const METRICS_NAMESPACE = 'Facet';

/**
 * ESM bundles still contain CommonJS dependencies that call `require` for Node built-ins; this gives them one.
 * The import is aliased so it cannot collide with a bundled module's own `createRequire` import.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as facetCreateRequire } from 'node:module'; const require = facetCreateRequire(import.meta.url);";

/**
 * Packages a function reads files from at run time (swagger-ui-dist's assets) are copied from the installed
 * node_modules next to the bundle, where the handler's `createRequire(import.meta.url).resolve` finds them.
 * Copying, not `nodeModules` (an `npm install` in the bundle), keeps synthesis offline; source maps are left out.
 */
function copyPackagesIntoBundle(packages: readonly string[]) {
  const resolveFromRepo = createRequire(join(REPO_ROOT, 'package.json'));
  const packageDirs = packages.map((name) => ({
    name,
    fromRoot: relative(REPO_ROOT, dirname(resolveFromRepo.resolve(`${name}/package.json`))),
  }));
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      packageDirs.flatMap(({ name, fromRoot }) => {
        const target = `${outputDir}/node_modules/${name}`;
        return [
          `mkdir -p "${dirname(target)}"`,
          `cp -R "${inputDir}/${fromRoot}" "${target}"`,
          `find "${target}" -name '*.map' -delete`,
        ];
      }),
  };
}

export interface FacetFunctionProps {
  readonly spec: FunctionSpec;
  readonly settings: StageSettings;
  readonly storage: Storage;
  readonly messaging: Messaging;
}

/**
 * One Lambda function of functions/manifest.ts, built the same way as every other: bundled by esbuild (locally, no
 * Docker), arm64, its own log group and a role that holds exactly the `access` the manifest declares: the table
 * read-only or read-write, and SendMessage on the listed queues only. Triggers are wired by the stack (triggers.ts).
 */
export class FacetFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly handler: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: FacetFunctionProps) {
    super(scope, id);
    const { spec, settings, storage, messaging } = props;
    this.spec = spec;
    this.functionName = `${settings.prefix}-${spec.id}`;

    // A role of its own with no managed policy: log writing is granted on this function's log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.functionName}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: settings.logRetention,
      removalPolicy: settings.statefulRemovalPolicy,
    });
    this.logGroup.grantWrite(this.role);

    const sendTo = spec.access.sendTo ?? [];
    this.handler = new NodejsFunction(this, 'Handler', {
      functionName: this.functionName,
      description: spec.description,
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        STAGE: settings.stage,
        TABLE_NAME: storage.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'facet',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: settings.logLevel,
        POWERTOOLS_LOG_LEVEL: settings.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...Object.fromEntries(sendTo.map((queueId) => [QUEUES[queueId].urlEnv, messaging.queue(queueId).queue.queueUrl])),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The AWS SDK is bundled, not taken from the runtime: what runs in AWS is the version the tests ran.
        externalModules: [],
        commandHooks: copyPackagesIntoBundle(spec.bundleNodePackages ?? []),
      },
    });

    if (spec.access.table === 'readwrite') storage.grantReadWrite(this.role);
    else storage.grantRead(this.role);
    for (const queueId of sendTo) messaging.queue(queueId).queue.grantSendMessages(this.role);
  }
}
