import { unsubscribePageRoute, unsubscribeRoute } from '../../shared/api/unsubscribe/contract';
import { claimsOf, storeNameOf, unsubscribe } from '../../shared/domain/unsubscribe/unsubscribe';
import { confirmationPage, unsubscribedPage } from '../../shared/domain/unsubscribe/unsubscribe-page';
import { signingKeyProvider, type SigningKeyProvider } from '../../shared/domain/unsubscribe/signing-key';
import { eventPublisher } from '../../shared/events/publisher';
import { httpHandler, implement } from '../../shared/http/handler';

const HTML = 'text/html; charset=utf-8';
/** Pages carry a per-customer token in their URL: never cached, never indexed. */
const NO_STORE = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' };

let keys: SigningKeyProvider | undefined;
const signingKeys = () => (keys ??= signingKeyProvider());

/** Public unsubscribe routes (`/u/{token}`): GET shows the confirmation page, POST (RFC 8058 one-click) unsubscribes. */
export const handler = httpHandler([
  implement(unsubscribePageRoute, async (req) => {
    const claims = await claimsOf(req.params.token, signingKeys());
    const page = confirmationPage(await storeNameOf(claims.tenantId), req.params.token);
    return { status: 200, body: page, contentType: HTML, headers: NO_STORE };
  }),
  implement(unsubscribeRoute, async (req) => {
    const result = await unsubscribe(req.params.token, { keys: signingKeys(), publisher: eventPublisher });
    return { status: 200, body: unsubscribedPage(result.storeName), contentType: HTML, headers: NO_STORE };
  }),
]);
