import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process (Powertools). Handlers append tenant, request and campaign ids; nothing else
 * about a customer is ever logged (ids only, no names, emails or phones).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'facet' });
