import { authorize, groupsNamedIn } from '../src/core/access/policy';
import { resolveNamedAccount } from '../src/app/access';
import type { AccountRef, Actor } from '../src/core/access/permissions';
import type { AppDeps } from '../src/app/deps';
import type { CommandInvocation, ModalView, Responder } from '../src/app/conversation';
import { recordCommand } from '../src/app/audit';
import { parseTokens, tokenize } from '../src/app/command-text';
import { suggest } from '../src/core/suggest';
import { renderErrorMessage } from '../src/core/render/blocks';
import { isCloudsecError } from '../src/errors';
import { COMMAND_LIST } from './registry';
import type { CommandSpec } from './command';

type Outcome = 'ok' | 'denied' | 'error' | 'invalid';

/**
 * The /cloudsec router: parse, resolve the account, authorize (deny by default), audit the
 * decision, then run. Every path ends in a message to the user; none in a stack trace.
 */
export const dispatchCommand = async (deps: AppDeps, inv: CommandInvocation, given: Responder): Promise<void> => {
  const commands = COMMAND_LIST();
  const tokens = tokenize(inv.text);
  const name = (tokens[0] ?? 'help').toLowerCase();
  const known = commands.some((c) => c.name === name);
  let outcome: Outcome = 'ok';
  // An error after the "scanning…" placeholder replaces it; before, it is a new message.
  let sent = false;
  const responder: Responder = {
    send: async (message, options) => {
      await given.send(message, options);
      sent = true;
    },
    upload: (file) => given.upload(file),
    // Commands that open a modal (remediate, accept) need the trigger the transport holds.
    ...(given.openModal ? { openModal: (view: ModalView) => given.openModal!(view) } : {}),
  };
  const audit = (o: 'allowed' | 'denied' | 'error', details: Record<string, unknown>) =>
    recordCommand(deps, { invocation: inv, command: known ? name : 'unknown', outcome: o, details });
  const usageError = async (message: string, spec?: CommandSpec<never>) => {
    outcome = 'invalid';
    await audit('error', { error: message });
    await responder.send(
      renderErrorMessage({
        title: spec ? `/cloudsec ${spec.name}: ${message}` : message,
        message: spec ? `Usage: \`${spec.usage}\`` : 'Type `/cloudsec help` to see what you can do.',
      }),
      { visibility: 'ephemeral' },
    );
  };

  try {
    const spec = commands.find((c) => c.name === name);
    if (!spec) {
      const near = suggest(
        name,
        commands.map((c) => c.name),
      );
      return await usageError(
        `"${tokens[0]}" is not a cloudsec command.${near ? ` Did you mean \`/cloudsec ${near}\`?` : ''}`,
      );
    }
    const raw = parseTokens(tokens.slice(1), spec.flags);
    if (!raw.ok) return await usageError(raw.error, spec);
    const parsed = spec.args.safeParse({ positionals: raw.positionals, flags: raw.flags });
    if (!parsed.success) return await usageError(parsed.error.issues.map((i) => i.message).join('; '), spec);
    const args = parsed.data;

    const resolution = await deps.groups.resolve(inv.actor.userId, groupsNamedIn(deps.config));
    const actor: Actor = { userId: inv.actor.userId, groups: resolution.groups };
    const named = spec.accountOf?.(args);
    let account: AccountRef | undefined;
    if (named) {
      const denied = async (reason: string) => {
        outcome = 'denied';
        await audit('denied', { permission: spec.permission, account: null, named, reason, groups: resolution.groups });
        await responder.send(renderErrorMessage({ title: 'Not allowed', message: reason }), {
          visibility: 'ephemeral',
        });
      };
      // Authorized before the name is looked up: who holds the permission nowhere learns nothing of
      // the accounts, and the others only of those they may see.
      if (spec.permission) {
        const anywhere = authorize({ actor, permission: spec.permission, channel: inv.channel }, deps.config);
        if (!anywhere.allowed) return await denied(anywhere.reason);
      }
      const resolved = resolveNamedAccount(
        named,
        actor,
        spec.permission ?? 'findings:read',
        await deps.knownAccounts(),
        deps.config,
      );
      if (!resolved.ok) return await denied(resolved.reason);
      account = resolved.account;
    }

    let visibility: 'ephemeral' | 'in_channel' = 'ephemeral';
    if (spec.permission) {
      const decision = authorize({ actor, permission: spec.permission, account, channel: inv.channel }, deps.config);
      await audit(decision.allowed ? 'allowed' : 'denied', {
        permission: spec.permission,
        account: account?.id ?? null,
        reason: decision.reason,
        groups: resolution.groups,
      });
      if (!decision.allowed) {
        outcome = 'denied';
        await responder.send(renderErrorMessage({ title: 'Not allowed', message: decision.reason }), {
          visibility: 'ephemeral',
        });
        return;
      }
      if (decision.delivery === 'in-channel' && spec.shareOf?.(args)) visibility = 'in_channel';
    } else {
      await audit('allowed', { permission: null, groups: resolution.groups });
    }

    await spec.run(
      {
        invocation: inv,
        actor,
        visibility,
        account,
        responder,
        deps,
        groupWarnings: resolution.warnings.map((w) => w.message),
      },
      args,
    );
  } catch (err) {
    outcome = 'error';
    const expected = isCloudsecError(err);
    deps.log.error({ err, requestId: inv.requestId, command: name, userId: inv.actor.userId }, 'command failed');
    await audit('error', { error: expected ? err.message : 'internal error' }).catch(() => undefined);
    await responder
      .send(
        renderErrorMessage({
          title: `/cloudsec ${name} failed`,
          message: expected ? err.message : `Something went wrong on our side (request ${inv.requestId}).`,
          ...(expected
            ? {}
            : { suggestion: 'Try again; if it keeps failing, give the request id to your cloudsec admins.' }),
        }),
        { visibility: 'ephemeral', replace: sent },
      )
      .catch(() => undefined);
  } finally {
    deps.metrics.commandCompleted(known ? name : 'unknown', outcome);
    deps.log.info(
      { requestId: inv.requestId, userId: inv.actor.userId, command: known ? name : 'unknown', outcome },
      'command handled',
    );
  }
};
