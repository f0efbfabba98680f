import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { isDevStage } from '../shared/config/env';

/**
 * What differs between a developer's stage and one that holds real customers. Everything stage-dependent in the
 * stack reads from here, so "what does prod do differently" has one answer.
 */
export interface StageSettings {
  readonly stage: string;
  readonly isDev: boolean;
  /** Prefix of every physical name: `facet-{stage}`. */
  readonly prefix: string;
  /** Stateful resources (table, signing key) survive a stack deletion outside dev stages. */
  readonly statefulRemovalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO';
}

/** Stage names end up in queue, function, table and schedule-group names, which allow little beyond [a-z0-9-]. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

export function stageSettings(stage: string): StageSettings {
  if (!STAGE_NAME.test(stage)) {
    throw new Error(`Stage "${stage}" must match ${STAGE_NAME} (it becomes part of AWS resource names)`);
  }
  const isDev = isDevStage(stage);
  return {
    stage,
    isDev,
    prefix: `facet-${stage}`,
    statefulRemovalPolicy: isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    deletionProtection: !isDev,
    logRetention: isDev ? RetentionDays.ONE_WEEK : RetentionDays.THREE_MONTHS,
    logLevel: isDev ? 'DEBUG' : 'INFO',
  };
}
