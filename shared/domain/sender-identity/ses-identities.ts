/**
 * The SES v2 calls behind sender identities and SES tenants. Each answers in Facet's terms and turns SES's "already
 * exists" / "not found" into values, so callers can repeat any step after a crash.
 *
 * SES names resources by ARN in tenant associations: `{env.sesArnPrefix()}:identity/{domain}` and
 * `...:configuration-set/{name}`.
 */
import {
  CreateEmailIdentityCommand,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
  DeleteEmailIdentityCommand,
  DeleteTenantResourceAssociationCommand,
  GetEmailIdentityCommand,
  SESv2Client,
  type DkimAttributes,
} from '@aws-sdk/client-sesv2';
import { env } from '../../config/env';
import type { SesIdentityState } from './sender-identity';

let client: SESv2Client | undefined;
/** Created on first use, so the endpoint (AWS_ENDPOINT_URL_SESV2 locally) is read when it is known. */
const ses = () => (client ??= new SESv2Client({}));

const errorName = (error: unknown) => (typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined);
const isAlreadyExists = (error: unknown) => errorName(error) === 'AlreadyExistsException';
const isNotFound = (error: unknown) => errorName(error) === 'NotFoundException';

export const identityArn = (identity: string) => `${env.sesArnPrefix()}:identity/${identity}`;
export const configurationSetArn = (name: string) => `${env.sesArnPrefix()}:configuration-set/${name}`;

function stateOf(answer: { VerifiedForSendingStatus?: boolean | undefined; DkimAttributes?: DkimAttributes | undefined }): SesIdentityState {
  const dkim = answer.DkimAttributes;
  return {
    verifiedForSending: answer.VerifiedForSendingStatus === true,
    dkimStatus: dkim?.Status ?? 'NOT_STARTED',
    dkimTokens: dkim?.Tokens ?? [],
    ...(dkim?.SigningHostedZone ? { dkimHostedZone: dkim.SigningHostedZone } : {}),
  };
}

/**
 * Creates the domain identity with Easy DKIM (SES's default when no signing key is given), tagged with the tenant.
 * An identity that exists already (a repeated registration) is read instead.
 */
export async function createDomainIdentity(domain: string, tags: { tenantId: string; stage: string }): Promise<SesIdentityState> {
  const configurationSetName = env.sesConfigurationSet();
  try {
    return stateOf(
      await ses().send(
        new CreateEmailIdentityCommand({
          EmailIdentity: domain,
          Tags: [
            { Key: 'facet:tenant', Value: tags.tenantId },
            { Key: 'facet:stage', Value: tags.stage },
          ],
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
        }),
      ),
    );
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await readDomainIdentity(domain);
    if (!existing) throw error;
    return existing;
  }
}

/** What SES says now; undefined when SES has no such identity (removed outside Facet). */
export async function readDomainIdentity(domain: string): Promise<SesIdentityState | undefined> {
  try {
    return stateOf(await ses().send(new GetEmailIdentityCommand({ EmailIdentity: domain })));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function deleteDomainIdentity(domain: string): Promise<void> {
  try {
    await ses().send(new DeleteEmailIdentityCommand({ EmailIdentity: domain }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Creates the SES tenant unless it exists. */
export async function createSesTenant(tenantName: string, tags: { tenantId: string; stage: string }): Promise<void> {
  try {
    await ses().send(
      new CreateTenantCommand({
        TenantName: tenantName,
        Tags: [
          { Key: 'facet:tenant', Value: tags.tenantId },
          { Key: 'facet:stage', Value: tags.stage },
        ],
      }),
    );
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Associates a resource (identity, configuration set) with the SES tenant unless it is already. */
export async function associateWithSesTenant(tenantName: string, resourceArn: string): Promise<void> {
  try {
    await ses().send(new CreateTenantResourceAssociationCommand({ TenantName: tenantName, ResourceArn: resourceArn }));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

export async function dissociateFromSesTenant(tenantName: string, resourceArn: string): Promise<void> {
  try {
    await ses().send(new DeleteTenantResourceAssociationCommand({ TenantName: tenantName, ResourceArn: resourceArn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
