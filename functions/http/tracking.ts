import { clickRoute, openPixelRoute } from '../../shared/api/tracking/contract';
import { trackInteraction, type TrackingDeps } from '../../shared/domain/engagement/tracking-service';
import { signingKeyProvider } from '../../shared/domain/unsubscribe/signing-key';
import { httpHandler, implement } from '../../shared/http/handler';
import type { HttpRequest, RouteContract } from '../../shared/http/contract';

/** A 1×1 transparent GIF. */
const PIXEL_BASE64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** Per-recipient URLs: never cached (each load is an open), never indexed, and no token leaks on to the link's site. */
const PRIVATE = { 'cache-control': 'no-store, max-age=0', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' };

const requestOf = (req: HttpRequest<RouteContract>) => ({ userAgent: req.headers['user-agent'], forwardedFor: req.headers['x-forwarded-for'] });

/** Public tracking routes: the open pixel and tracked links. `deps` are injected by tests (key, clock). */
export function trackingApi(deps: Partial<TrackingDeps> = {}) {
  let resolved: TrackingDeps | undefined;
  const trackingDeps = () => (resolved ??= { keys: deps.keys ?? signingKeyProvider(), now: deps.now ?? (() => new Date()) });
  return httpHandler([
    implement(openPixelRoute, async (req) => {
      await trackInteraction('open', req.params.token, requestOf(req), trackingDeps());
      return { status: 200, body: PIXEL_BASE64, contentType: 'image/gif', isBase64Encoded: true, headers: PRIVATE };
    }),
    implement(clickRoute, async (req) => {
      const { claims } = await trackInteraction('click', req.params.token, requestOf(req), trackingDeps());
      return { status: 302, headers: { ...PRIVATE, location: claims.url! } };
    }),
  ]);
}

export const handler = trackingApi();
