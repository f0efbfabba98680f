import type { AddressInfo } from 'node:net';
import sesServerModule from 'aws-ses-v2-local';
import { startSesControlShim } from './identities';

type StartSesServer = typeof sesServerModule;
/**
 * aws-ses-v2-local is CommonJS with `exports.default`: Node's ESM loader (tsx) hands over the whole exports object as
 * the default import, bundlers and vitest the function itself. Accept both.
 */
const startSesServer: StartSesServer =
  typeof sesServerModule === 'function' ? sesServerModule : (sesServerModule as unknown as { default: StartSesServer }).default;

export interface LocalSes {
  /** SES v2 API endpoint (AWS_ENDPOINT_URL_SESV2). */
  readonly endpoint: string;
  /** The web viewer showing every email sent; same server as the API. */
  readonly mailViewerUrl: string;
  stop(): Promise<void>;
}

/** aws-ses-v2-local on `port` (0 = a free port). Its mailbox lives in memory, like a real inbox would not: a restart empties it. */
export async function startLocalSes(options: { port?: number }): Promise<LocalSes> {
  const server = await startSesServer({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  // Identities and SES tenants are answered by the shim in front (./identities.ts); it forwards everything else.
  const shim = await startSesControlShim({ upstream: `http://127.0.0.1:${port}`, port: options.port ?? 0 });
  const endpoint = shim.endpoint;
  return {
    endpoint,
    mailViewerUrl: `${endpoint}/`,
    stop: async () => {
      await shim.stop();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
