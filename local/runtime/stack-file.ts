import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ROLES } from '../../shared/auth/roles';

/**
 * `.local/stack.json`: how to reach the running local stack (the tenant:create CLI and the README's curl walkthrough
 * read it) and the demo tenant's API keys, which exist nowhere else in plain text (the table keeps only hashes), so
 * a restart reuses them until `npm run reset`.
 */
export const stackFileSchema = z.object({
  apiUrl: z.string(),
  tenantId: z.string(),
  apiKeys: z.object(Object.fromEntries(ROLES.map((role) => [role, z.string()])) as Record<(typeof ROLES)[number], z.ZodString>),
  mailViewerUrl: z.string(),
  endpoints: z.object({ dynamodb: z.string(), sqs: z.string(), ses: z.string(), scheduler: z.string() }),
  tableName: z.string(),
  queueUrls: z.record(z.string(), z.string()),
  stage: z.string(),
  region: z.string(),
  /** Set while the stack runs, so `npm run reset` can refuse to wipe data from under it. */
  pid: z.number().int().optional(),
});

export type StackFile = z.infer<typeof stackFileSchema>;

/** The previous start's file, or undefined when there is none or it is unreadable (then the demo tenant is reseeded). */
export function readStackFile(path: string): StackFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = stackFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
export function writeStackFile(path: string, stack: StackFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(stack, null, 2)}\n`);
  renameSync(temporary, path);
}
