/**
 * Errors that reach a user. `code` decides the exit status of the CLI and the tone of the Slack
 * answer; `message` is written for the person who has to fix it (what is wrong, what to set).
 */
export type CloudsecErrorCode = 'usage' | 'config' | 'credentials' | 'aws' | 'internal';

export class CloudsecError extends Error {
  override readonly name = 'CloudsecError';
  constructor(
    readonly code: CloudsecErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isCloudsecError = (err: unknown): err is CloudsecError => err instanceof CloudsecError;

/** Exit status of the CLI: usage, configuration and credential problems are 2 (the user must act). */
export const exitCodeFor = (err: CloudsecError): number => (err.code === 'internal' || err.code === 'aws' ? 3 : 2);
