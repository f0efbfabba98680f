import { AttributeType, BillingMode, ProjectionType, Table, type GlobalSecondaryIndexProps } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDefinition, type IndexDefinition } from '../shared/store/table-definition';
import type { StageSettings } from './stage-settings';

/**
 * Data-plane actions only. Listed here rather than using Table.grantReadData so that indexes are granted by name
 * (`index/gsi1`, `index/gsi2`) instead of `index/*`, and so that stream actions, which nothing uses, are not granted.
 */
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

function indexProps(index: IndexDefinition): GlobalSecondaryIndexProps {
  const keys = {
    indexName: index.indexName,
    partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
    sortKey: { name: index.sortKey, type: AttributeType.STRING },
  };
  if (index.projection === 'ALL') return { ...keys, projectionType: ProjectionType.ALL };
  if (index.projection === 'KEYS_ONLY') return { ...keys, projectionType: ProjectionType.KEYS_ONLY };
  return { ...keys, projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.include] };
}

/** The single table, built from shared/store/table-definition.ts (the local runtime builds dynalite's from the same). */
export class Storage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      tableName: settings.prefix,
      partitionKey: { name: tableDefinition.key.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.key.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // 35 days of continuous backups; GDPR erasure documents that backups age out on this schedule.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.statefulRemovalPolicy,
    });
    for (const index of tableDefinition.indexes) this.table.addGlobalSecondaryIndex(indexProps(index));
  }

  grantRead(grantee: IGrantable): Grant {
    return this.grant(grantee, READ_ACTIONS);
  }

  grantReadWrite(grantee: IGrantable): Grant {
    return this.grant(grantee, [...READ_ACTIONS, ...WRITE_ACTIONS]);
  }

  private grant(grantee: IGrantable, actions: string[]): Grant {
    const tableArn = this.table.tableArn;
    const indexArns = tableDefinition.indexes.map((index) => `${tableArn}/index/${index.indexName}`);
    return Grant.addToPrincipal({ grantee, actions, resourceArns: [tableArn, ...indexArns] });
  }
}
