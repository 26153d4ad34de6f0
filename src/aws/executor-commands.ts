import { GLOBAL_REGION } from '../core/model';
import type { ApiCall, ApiService } from '../core/remediations/define';
import type { AccountClients } from './clients';
import { sdk } from './sdk';

/**
 * Turns a plan's call, which is data (and may come back from the store), into a real SDK command and
 * the client to send it with. Commands are looked up by name among the exports of the service's own
 * client package, so a plan can name any operation of these services and nothing else.
 */

/** The part of an SDK command the executor touches. */
export interface SdkCommand {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: string; priority?: string; name?: string }): void;
  };
}
type CommandClass = new (input: Record<string, unknown>) => SdkCommand;

export interface SdkSender {
  send: (command: SdkCommand) => Promise<unknown>;
}

// Each service's package is loaded when a plan first names it (src/aws/sdk.ts), not at start-up.
const PACKAGES: Record<ApiService, () => Readonly<Record<string, unknown>>> = {
  iam: () => sdk.iam,
  s3: () => sdk.s3,
  s3control: () => sdk.s3control,
  ec2: () => sdk.ec2,
  cloudtrail: () => sdk.cloudtrail,
  securityhub: () => sdk.securityhub,
  rds: () => sdk.rds,
  lambda: () => sdk.lambda,
  kms: () => sdk.kms,
  guardduty: () => sdk.guardduty,
  accessanalyzer: () => sdk.accessanalyzer,
};

export const UNKNOWN_COMMAND = 'UnknownCommand';

/** A plan names a service or operation the SDK does not have (a typo, or a tampered stored plan). */
export class UnknownApiCommandError extends Error {
  override readonly name = UNKNOWN_COMMAND;
  constructor(service: string, command: string) {
    super(`${service}:${command} is not an operation of the AWS SDK's ${service} client`);
  }
}

const isCommandClass = (value: unknown): value is CommandClass =>
  typeof value === 'function' &&
  typeof (value as { prototype?: { resolveMiddleware?: unknown } }).prototype?.resolveMiddleware === 'function';

/** An operation name; also keeps out the packages' other exports, such as the `$Command` base class. */
const OPERATION_NAME = /^[A-Z][A-Za-z0-9]*$/;

export const resolveCommand = (service: string, command: string): CommandClass => {
  if (!OPERATION_NAME.test(command)) throw new UnknownApiCommandError(service, command);
  const exports = Object.hasOwn(PACKAGES, service) ? PACKAGES[service as ApiService]() : undefined;
  const name = `${command}Command`;
  const found = exports && Object.hasOwn(exports, name) ? exports[name] : undefined;
  if (!isCommandClass(found)) throw new UnknownApiCommandError(service, command);
  return found;
};

/** `global` (IAM, S3 Control) means the home region: the SDK needs a region to sign with. */
export const regionOf = (call: Pick<ApiCall, 'region'>, homeRegion: string): string =>
  call.region === GLOBAL_REGION ? homeRegion : call.region;

export const clientFor = (clients: AccountClients, service: ApiService, region: string): SdkSender =>
  // IAM is global (its client is the home region's); every other plan service is regional.
  (service === 'iam' ? clients.iam() : clients[service](region)) as unknown as SdkSender;
