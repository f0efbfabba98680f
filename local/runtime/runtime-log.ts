/** One human-readable line per request, batch or schedule firing; handlers keep their own structured JSON logs. */
export type RuntimeLog = (line: string) => void;

export const stdoutLog: RuntimeLog = (line) => {
  process.stdout.write(`${line}\n`);
};

export const silentLog: RuntimeLog = () => undefined;

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
