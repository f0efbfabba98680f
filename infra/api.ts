import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteContract } from '../shared/http/contract';
import type { StageSettings } from './stage-settings';

/** The revocation delay of an API key: a revoked key keeps working for at most this long (documented in the README). */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(60);

/** Per-stage request limits; a runaway client gets 429s before it costs Lambda concurrency. */
const THROTTLE = { rateLimit: 200, burstLimit: 400 };

/** One JSON line per request, ids and technical fields only (the authorizer's tenant id, never a customer's data). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    tenantId: '$context.authorizer.tenantId',
  }),
);

export interface ApiProps {
  readonly settings: StageSettings;
  /** The REQUEST authorizer: resolves `Authorization: Bearer <key>` to tenant, staff member and role. */
  readonly authorizerHandler: IFunction;
}

/**
 * The HTTP API. Routes come from the route contracts (shared/api/**), so the API Gateway routes, the local gateway
 * and the OpenAPI document cannot disagree. Every route needs the authorizer unless its contract says `public`.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpLambdaAuthorizer;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { settings } = props;
    this.authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', props.authorizerHandler, {
      authorizerName: `${settings.prefix}-api-key`,
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
      responseTypes: [HttpLambdaResponseType.SIMPLE],
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: settings.prefix,
      description: `Facet ${settings.stage} API`,
      createDefaultStage: false,
      // Fail closed: a route without an explicit choice gets the authorizer.
      defaultAuthorizer: this.authorizer,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.statefulRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /** The base URL clients call; unsubscribe and tracking links are built on it. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** One route per contract, all integrated with `handler` (the function named `name`). */
  addContractRoutes(name: string, handler: IFunction, routes: readonly RouteContract[]): HttpRoute[] {
    const integration = new HttpLambdaIntegration(`${name}-integration`, handler);
    return routes.map((route) => {
      const httpRoute = new HttpRoute(this, route.id, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: route.auth === 'public' ? new HttpNoneAuthorizer() : this.authorizer,
      });
      if (route.auth === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by its contract (${route.summary}): it takes no API key, and a ` +
            'public route that touches tenant data verifies its own signed token.',
        });
      }
      return httpRoute;
    });
  }
}
