import { z } from 'zod';
import { fact } from './fact';

/**
 * What cloudsec reads of the account's own settings (the `account` service), once per account. Every
 * value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is
 * carried as missing evidence rather than as "no contact".
 */

/**
 * The security alternate contact, reduced to which fields are filled in. The address, name and phone
 * number themselves are never stored: a snapshot is shared in Slack, files and digests, and whether
 * the contact exists is all a check needs.
 */
export const SecurityContactSchema = z.object({
  emailPresent: z.boolean(),
  namePresent: z.boolean(),
  phonePresent: z.boolean(),
});
export type SecurityContact = z.infer<typeof SecurityContactSchema>;

export const AccountSliceSchema = z.object({
  /** `null`: no security contact is registered (a state, not an error). */
  securityContact: fact(SecurityContactSchema.nullable()),
});
export type AccountSlice = z.infer<typeof AccountSliceSchema>;
