import { refreshPendingSendingDomains } from '../../shared/domain/sender-identity/identity-service';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/** Schedule target: asks SES about every sending domain still pending, so mail moves to a domain once it verifies. */
export const handler = withLambdaContext(async () => {
  const result = await refreshPendingSendingDomains(new Date());
  if (result.checked > 0) logger.info('pending sending domains checked', { ...result });
  return result;
});
