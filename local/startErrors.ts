/**
 * Why `npm start` could not start, as one sentence that says what to change: `local/start.ts` prints the
 * message alone (no stack trace) and exits non-zero.
 */
export class LocalStartError extends Error {
  override readonly name = "LocalStartError";
}

/**
 * For a `listen` that failed: a port already taken (another `npm start`, another service) becomes a
 * {@link LocalStartError} naming the port and the variable that chooses it; any other failure is rethrown.
 */
export function portTaken(variable: string, host: string, port: number): (error: unknown) => never {
  return (error) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "EADDRINUSE") {
      throw new LocalStartError(
        `port ${port} on ${host} is already in use (another npm start?): set ${variable} to a free port, or ${variable}=0 for any free one`,
      );
    }
    if (code === "EACCES") {
      throw new LocalStartError(
        `port ${port} on ${host} may not be opened by this user: set ${variable} above 1023`,
      );
    }
    throw error;
  };
}
