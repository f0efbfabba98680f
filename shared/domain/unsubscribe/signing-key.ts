/**
 * The HMAC key that signs unsubscribe (and later tracking) tokens, behind one port with two adapters chosen by
 * configuration: Secrets Manager when `SIGNING_KEY_SECRET_ARN` is set (the CDK stack's SigningKey.grantRead sets it),
 * or the key itself in `SIGNING_KEY` (the local runtime generates one and keeps it under .local/, so links in mail
 * already viewed keep working across restarts). The key is read once per container.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SigningKeyProvider {
  signingKey(): Promise<Buffer>;
}

export const SIGNING_KEY_ENV = { secretArn: 'SIGNING_KEY_SECRET_ARN', key: 'SIGNING_KEY' } as const;

/** Keys shorter than this are refused: a guessable key would let anyone unsubscribe anyone. */
const MIN_KEY_CHARS = 32;

function keyFromText(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (trimmed.length < MIN_KEY_CHARS) throw new Error(`The signing key from ${source} is shorter than ${MIN_KEY_CHARS} characters`);
  return Buffer.from(trimmed, 'utf8');
}

export function secretsManagerSigningKey(secretArn: string, client: SecretsManagerClient = new SecretsManagerClient({})): SigningKeyProvider {
  let key: Promise<Buffer> | undefined;
  return {
    signingKey() {
      key ??= client.send(new GetSecretValueCommand({ SecretId: secretArn })).then((secret) => {
        if (secret.SecretString === undefined) throw new Error('The signing key secret has no string value');
        return keyFromText(secret.SecretString, 'Secrets Manager');
      });
      key.catch(() => (key = undefined));
      return key;
    },
  };
}

export function fixedSigningKey(value: string): SigningKeyProvider {
  const key = keyFromText(value, SIGNING_KEY_ENV.key);
  return { signingKey: async () => key };
}

let configured: SigningKeyProvider | undefined;

/** The provider the environment configures; throws when neither variable is set. */
export function signingKeyProvider(environment: NodeJS.ProcessEnv = process.env): SigningKeyProvider {
  if (environment === process.env && configured) return configured;
  const secretArn = environment[SIGNING_KEY_ENV.secretArn];
  const value = environment[SIGNING_KEY_ENV.key];
  let provider: SigningKeyProvider;
  if (secretArn) provider = secretsManagerSigningKey(secretArn);
  else if (value) provider = fixedSigningKey(value);
  else throw new Error(`Set ${SIGNING_KEY_ENV.secretArn} (AWS) or ${SIGNING_KEY_ENV.key} (local) to sign unsubscribe links`);
  if (environment === process.env) configured = provider;
  return provider;
}
