import nock from 'nock';
import { collectAccountSettings } from '../../../src/aws/collectors/account';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { AccountSliceSchema, type AccountSlice } from '../../../src/core/model';
import {
  ACCOUNT_API_ENDPOINT,
  acctAccessDenied,
  acctError,
  acctNoContact,
  acctOk,
  acctThrottled,
  alternateContactJson,
} from '../../fixtures/aws/fake-services/account';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import type { Reply } from '../../fixtures/aws/fake-aws-core';

const ACCOUNT = '123456789012';

/** The home region is not us-east-1: the Account API still answers at its one endpoint. */
const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'eu-west-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  }),
  accountId: ACCOUNT,
  partition: 'aws',
  homeRegion: 'eu-west-1',
  regions: ['eu-west-1'],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<AccountSlice> =>
  AccountSliceSchema.parse(await collectAccountSettings(makeContext()));

const getAlternateContact = (reply: Reply) =>
  nock(ACCOUNT_API_ENDPOINT)
    .post('/getAlternateContact', { AlternateContactType: 'SECURITY' })
    .reply(...reply);

describe('collectAccountSettings', () => {
  it('when a security contact is registered, then only which fields are filled in is kept, never the address', async () => {
    getAlternateContact(acctOk(alternateContactJson()));

    const slice = await collect();

    expect(slice).toEqual({
      securityContact: { ok: true, value: { emailPresent: true, namePresent: true, phonePresent: true } },
    });
    expect(JSON.stringify(slice)).not.toContain('security-team@example.com');
  });

  it('when no security contact is registered (ResourceNotFoundException), then it is a known null', async () => {
    getAlternateContact(acctNoContact());

    expect((await collect()).securityContact).toEqual({ ok: true, value: null });
  });

  it('when the call is refused, then the contact is unknown naming the permission, never "none"', async () => {
    getAlternateContact(acctAccessDenied());

    expect((await collect()).securityContact).toEqual({
      ok: false,
      error: expect.objectContaining({
        service: 'account',
        operation: 'GetAlternateContact',
        permission: 'account:GetAlternateContact',
        code: 'AccessDeniedException',
        kind: 'access-denied',
      }),
    });
  });

  it('when the call is throttled once, then the SDK retries and the contact is still read', async () => {
    getAlternateContact(acctThrottled());
    getAlternateContact(acctOk(alternateContactJson()));

    expect((await collect()).securityContact.ok).toBe(true);
  });

  it('when AWS answers an error it does not document as "no contact", then the contact is unknown', async () => {
    getAlternateContact(acctError(400, 'ValidationException', 'Invalid request.'));

    expect((await collect()).securityContact).toMatchObject({ ok: false, error: { code: 'ValidationException' } });
  });

  it('when the answer lacks AlternateContact, then the contact is unknown (malformed), not "none"', async () => {
    getAlternateContact(acctOk({}));

    expect((await collect()).securityContact).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('when the contact has a blank email address, then emailPresent is false', async () => {
    getAlternateContact(acctOk(alternateContactJson({ EmailAddress: ' ' })));

    expect((await collect()).securityContact).toEqual({
      ok: true,
      value: { emailPresent: false, namePresent: true, phonePresent: true },
    });
  });
});
