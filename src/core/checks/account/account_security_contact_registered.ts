import { defineCheck, fail, pass, withFactOne } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';

export default defineCheck({
  id: 'account_security_contact_registered',
  service: 'account',
  severity: 'medium',
  title: 'A security contact is registered for the account',
  failTitle: 'No security contact is registered for the account',
  rationale:
    'AWS sends notices of abuse, compromised credentials and security incidents to the security alternate contact; without one they go only to the root email address, which often nobody reads. Whether the address is monitored by more than one person stays a manual check.',
  remediationText:
    'AWS console → Account → Alternate contacts → Security: enter a monitored team address and phone number; or run `aws account put-alternate-contact --alternate-contact-type SECURITY --email-address <address> --name <name> --phone-number <phone> --title <title>`. With AWS Organizations, the management account can set it for every member (`--account-id`).',
  frameworks: { cis: '1.2', securityHub: 'Account.1' },
  requires: ['account'],
  remediation: null,
  evaluate: ({ account }) => {
    const resource = accountResource(account);
    return withFactOne(account.account.securityContact, resource, GLOBAL_REGION, (contact) => {
      if (contact === null) {
        return fail(
          resource,
          GLOBAL_REGION,
          `Account ${account.accountId} has no security contact: AWS security notices reach only the root email address.`,
          { registered: false },
        );
      }
      // Only which fields are filled in is known; the address itself is never collected.
      const evidence = { registered: true, ...contact };
      return contact.emailPresent
        ? pass(resource, GLOBAL_REGION, `Account ${account.accountId} has a security contact registered.`, evidence)
        : fail(
            resource,
            GLOBAL_REGION,
            `Account ${account.accountId} has a security contact without an email address: AWS cannot write to it.`,
            evidence,
          );
    });
  },
});
