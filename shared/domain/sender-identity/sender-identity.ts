/**
 * A tenant's sending domain: the SES email identity created for it (Easy DKIM), and what SES last said about it.
 * Pure: the store (./identity-store.ts) keeps it, the service (./identity-service.ts) asks SES.
 *
 *   pending ──DKIM records found──▶ verified
 *      └──────records not found within SES's 72 h──▶ failed   (removing and registering again starts over)
 */
export const SENDER_IDENTITY_STATUSES = ['pending', 'verified', 'failed'] as const;
export type SenderIdentityStatus = (typeof SENDER_IDENTITY_STATUSES)[number];

/** SES's DKIM status, kept as SES spells it (PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE, NOT_STARTED). */
export type DkimStatus = string;

export interface SenderIdentity {
  readonly tenantId: string;
  readonly domain: string;
  readonly status: SenderIdentityStatus;
  readonly dkimStatus: DkimStatus;
  readonly dkimTokens: readonly string[];
  readonly dkimHostedZone?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** When SES was last asked. */
  readonly checkedAt: string;
  readonly verifiedAt?: string;
}

/** What SES says about an identity (CreateEmailIdentity or GetEmailIdentity), as far as Facet cares. */
export interface SesIdentityState {
  readonly verifiedForSending: boolean;
  readonly dkimStatus: DkimStatus;
  readonly dkimTokens: readonly string[];
  readonly dkimHostedZone?: string;
}

export function statusOf(state: SesIdentityState): SenderIdentityStatus {
  if (state.verifiedForSending) return 'verified';
  return state.dkimStatus === 'FAILED' ? 'failed' : 'pending';
}

/** The identity after SES answered again; `verifiedAt` is stamped the first time it is verified. */
export function withSesState(identity: SenderIdentity, state: SesIdentityState, now: Date): SenderIdentity {
  const status = statusOf(state);
  const at = now.toISOString();
  const { verifiedAt: _previous, dkimHostedZone: _zone, ...rest } = identity;
  return {
    ...rest,
    status,
    dkimStatus: state.dkimStatus,
    dkimTokens: state.dkimTokens.length > 0 ? [...state.dkimTokens] : identity.dkimTokens,
    ...(state.dkimHostedZone ?? identity.dkimHostedZone ? { dkimHostedZone: state.dkimHostedZone ?? identity.dkimHostedZone! } : {}),
    checkedAt: at,
    ...(status === 'verified' ? { verifiedAt: identity.verifiedAt ?? at } : {}),
  };
}

export function newSenderIdentity(
  ids: { tenantId: string; domain: string; createdBy: string },
  state: SesIdentityState,
  now: Date,
): SenderIdentity {
  const at = now.toISOString();
  return withSesState({ ...ids, status: 'pending', dkimStatus: state.dkimStatus, dkimTokens: [], createdAt: at, checkedAt: at }, state, now);
}
