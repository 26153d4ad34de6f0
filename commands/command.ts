import type { z } from 'zod';
import type { AppDeps } from '../src/app/deps';
import type { CommandInvocation, Responder, Visibility } from '../src/app/conversation';
import type { FlagSpec } from '../src/app/command-text';
import type { AccountRef, Actor, Permission } from '../src/core/access/permissions';

export interface CommandContext {
  invocation: CommandInvocation;
  /** The user with their Slack user groups resolved. */
  actor: Actor;
  /** Where answers go: decided by the channel policy and `--share`. */
  visibility: Visibility;
  /** Slack user groups that could not be read (roles may be missing): shown by whoami. */
  groupWarnings: readonly string[];
  /** The account named in the arguments, resolved, when there was one. */
  account: AccountRef | undefined;
  responder: Responder;
  deps: AppDeps;
}

/** Raw parse result handed to a command's zod schema. */
export interface RawArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

/** One `/cloudsec` subcommand: its surface (usage, flags, schema), what it needs, and what it does. */
export interface CommandSpec<A = unknown> {
  name: string;
  usage: string;
  description: string;
  /** null: anyone may run it (help, whoami). */
  permission: Permission | null;
  flags: FlagSpec;
  args: z.ZodType<A, RawArgs>;
  /** The account the arguments name (id or name), checked against the actor's scope. */
  accountOf?: (args: A) => string | undefined;
  /** Whether the answer may be shared in the channel (`--share`). */
  shareOf?: (args: A) => boolean;
  run(ctx: CommandContext, args: A): Promise<void>;
}

export const defineCommand = <A>(spec: CommandSpec<A>): CommandSpec<A> => spec;
