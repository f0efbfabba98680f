/**
 * DynamoDB on a laptop: dynalite (persisted with LevelDB when given a folder) behind the transaction shim.
 * Callers get one endpoint, the shim's, to put in AWS_ENDPOINT_URL_DYNAMODB.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { startTransactionShim } from './transaction-shim';

export interface LocalDynamo {
  /** The endpoint to use (the transaction shim). */
  endpoint: string;
  /** dynalite itself, without the shim (for tests of the shim). */
  rawEndpoint: string;
  stop(): Promise<void>;
}

export async function startLocalDynamo(options: { dataDir?: string; port?: number } = {}): Promise<LocalDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server: Server = dynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rawEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const shim = await startTransactionShim({ upstream: rawEndpoint, ...(options.port ? { port: options.port } : {}) });
  return {
    endpoint: shim.endpoint,
    rawEndpoint,
    stop: async () => {
      await shim.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
