import type { CommandSpec } from './command';
import check from './check';
import findings from './findings';
import help from './help';
import whoami from './whoami';
import access from './access';
import audit from './audit';
import remediate from './remediate';
import requests from './requests';
import digest from './digest';

/** Every /cloudsec subcommand, in the order help lists them. A function: help imports this module. */
export const COMMAND_LIST = (): CommandSpec<never>[] =>
  [check, findings, remediate, requests, digest, whoami, access, audit, help] as unknown as CommandSpec<never>[];
