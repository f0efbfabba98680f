import { refreshPendingSendingDomains } from '../../shared/domain/sender-identity/identity-service';
import { logger } from '../../shared/observability/logger';

/** Schedule target: asks SES about every sending domain still pending, so mail moves to a domain once it verifies. */
export const handler = async () => {
  const result = await refreshPendingSendingDomains(new Date());
  if (result.checked > 0) logger.info('pending sending domains checked', { ...result });
  return result;
};
