import {
  deleteSenderIdentityRoute,
  getSenderIdentityRoute,
  registerSenderIdentityRoute,
} from '../../shared/api/sender-identity/contract';
import { currentSendingDomain, registerSendingDomain, removeSendingDomain } from '../../shared/domain/sender-identity/identity-service';
import { senderIdentityView } from '../../shared/domain/sender-identity/identity-view';
import { forgetResolvedSender, resolveSender } from '../../shared/domain/sender-identity/resolve-sender';
import type { SenderIdentity } from '../../shared/domain/sender-identity/sender-identity';
import { httpHandler, implement } from '../../shared/http/handler';

/** The view with the sender as it is after this request (not a cached one). */
async function view(identity: SenderIdentity) {
  forgetResolvedSender(identity.tenantId);
  return senderIdentityView(identity, await resolveSender(identity.tenantId));
}

export function senderIdentityApi(now: () => Date = () => new Date()) {
  return httpHandler([
    implement(registerSenderIdentityRoute, async ({ body }, principal) => {
      const { created, identity } = await registerSendingDomain(principal, body.domain, now());
      return { status: created ? 201 : 200, body: await view(identity) };
    }),
    implement(getSenderIdentityRoute, async (_request, principal) => ({
      status: 200,
      body: await view(await currentSendingDomain(principal.tenantId, now())),
    })),
    implement(deleteSenderIdentityRoute, async (_request, principal) => {
      await removeSendingDomain(principal, now());
      return { status: 204 };
    }),
  ]);
}

export const handler = senderIdentityApi();
