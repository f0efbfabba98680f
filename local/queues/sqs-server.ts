import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';

export interface LocalSqs {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * local-aws-sqs on `port` (0 = a free port). It keeps messages in memory: whatever a restart loses is recovered from
 * the table (the outbox sweeper runs at start).
 */
export async function startLocalSqs(options: { port?: number; region: string }): Promise<LocalSqs> {
  const server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: options.region,
    // A reset recreates queues at once; the 60 s AWS wait after DeleteQueue would only get in the way locally.
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
