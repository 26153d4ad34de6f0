import { sdk } from '../sdk';
import type { AccountSlice, SecurityContact } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const ACCOUNT_COLLECTOR_PERMISSIONS = {
  GetAlternateContact: 'account:GetAlternateContact',
} as const satisfies Record<string, string>;

/** No region: the setting is the account's, like IAM's (findings about it are global). */
const meta = (operation: keyof typeof ACCOUNT_COLLECTOR_PERMISSIONS): CallMeta => ({
  service: 'account',
  operation,
  permission: ACCOUNT_COLLECTOR_PERMISSIONS[operation],
});

/** A field counts as filled in when AWS sent a non-blank string. */
const present = (value: string | undefined): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * The account's security alternate contact: one call, to the Account API's single endpoint (the SDK
 * sends it to us-east-1 whatever region the client has). ResourceNotFoundException is how AWS says
 * no such contact is registered: a state (`null`). Every other error, AccessDeniedException included,
 * leaves it unknown. Only which fields are filled in is kept, never the address itself.
 */
export const collectAccountSettings = async (ctx: CollectContext): Promise<AccountSlice> => {
  const client = ctx.clients.account(ctx.homeRegion);
  const securityContact = await attempt<SecurityContact | null>(
    meta('GetAlternateContact'),
    async () => {
      const out = await client.send(new sdk.account.GetAlternateContactCommand({ AlternateContactType: 'SECURITY' }));
      const contact = out.AlternateContact;
      if (!contact) throw new MalformedAnswerError('GetAlternateContact answered without AlternateContact');
      return {
        emailPresent: present(contact.EmailAddress),
        namePresent: present(contact.Name),
        phonePresent: present(contact.PhoneNumber),
      };
    },
    { ResourceNotFoundException: () => null },
  );
  return { securityContact };
};
