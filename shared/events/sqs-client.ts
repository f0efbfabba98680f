import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * Module-level SQS client, created once per Lambda container. The endpoint comes from AWS_ENDPOINT_URL_SQS when set
 * (local runtime and tests), from the region otherwise.
 */
export const sqsClient = new SQSClient({});
