import { ZodError } from 'zod';
import { processSesEvent, type SesEventDeps } from '../../shared/domain/engagement/process-ses-event';
import { eventPublisher } from '../../shared/events/publisher';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/**
 * Target of the EventBridge rule for the stage's SES events (Send, Delivery, Bounce, Complaint, Reject,
 * DeliveryDelay, Rendering Failure), in AWS and from the local SES event simulator alike. A failure is thrown, so
 * Lambda retries the event (asynchronous invocation) and processing it again is harmless; an event that is not an SES
 * event at all is logged and dropped, since retrying it could never succeed.
 */
export function sesEventsHandler(deps: Partial<SesEventDeps> = {}) {
  const resolved: SesEventDeps = { publisher: eventPublisher, now: () => new Date(), ...deps };
  return async (event: unknown) => {
    try {
      const outcome = await processSesEvent(event, resolved);
      return { outcome: outcome.kind };
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      logger.error('not an SES event, dropped', { issues: error.issues.map((issue) => issue.path.join('.')) });
      return { outcome: 'invalid_event' as const };
    }
  };
}

export const handler = withLambdaContext(sesEventsHandler());
