/**
 * Creates the single table locally from the same definition the CDK stack uses (shared/store/table-definition.ts).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../shared/store/table-definition';

export function createTableInput(tableName: string) {
  const { key, indexes } = tableDefinition;
  const attributeNames = new Set<string>([key.partitionKey, key.sortKey]);
  const globalIndexes: GlobalSecondaryIndex[] = indexes.map((index) => {
    attributeNames.add(index.partitionKey);
    attributeNames.add(index.sortKey);
    const projection =
      index.projection === 'ALL' || index.projection === 'KEYS_ONLY'
        ? { ProjectionType: index.projection }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection.include] };
    return {
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: projection,
    };
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: key.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: key.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: globalIndexes,
  };
}

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return 'created';
}
