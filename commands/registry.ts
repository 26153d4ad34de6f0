import type { CommandSpec } from './command';
import check from './check';
import findings from './findings';
import { helpCommand } from './help';
import whoami from './whoami';
import access from './access';
import audit from './audit';
import remediate from './remediate';
import requests from './requests';
import digest from './digest';
import accept from './accept';
import exceptions from './exceptions';
import alerts from './alerts';
import who from './who';
import demoEvent from './demo-event';

/** Lists this registry's commands (read when help runs, once the list below exists). */
const help = helpCommand(() => COMMAND_LIST());

/** Every /cloudsec subcommand, in the order help lists them. */
export const COMMAND_LIST = (): CommandSpec<never>[] =>
  [
    check,
    findings,
    remediate,
    requests,
    accept,
    exceptions,
    alerts,
    who,
    digest,
    demoEvent,
    whoami,
    access,
    audit,
    help,
  ] as unknown as CommandSpec<never>[];
