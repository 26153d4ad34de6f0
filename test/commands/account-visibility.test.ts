import { demoApp, invocation, recordingResponder } from '../fixtures/app';

/**
 * What the router and whoami say about accounts: only accounts the asker may see are named, in
 * errors as in answers, and an account the asker may not see reads exactly like one that does not
 * exist. The demo estate has acme-prod (111111111111) and acme-staging (222222222222).
 */

const PROD_ID = '111111111111';
const STAGING_ID = '222222222222';

const ACCESS = `
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
accessHelp: "#sec-leads"
`;

const ask = async (userId: string, text: string) => {
  const { app, store } = demoApp(ACCESS);
  const r = recordingResponder();
  await app.handleCommand(invocation(text, { actor: { userId } }), r.responder);
  const [audit] = await store.latestAudit(1);
  return { text: r.sent.map((s) => s.text).join('\n'), sent: r.sent, audit };
};

const namesProd = (text: string) => text.includes(PROD_ID) || /acme-prod\b/.test(text);
const namesStaging = (text: string) => text.includes(STAGING_ID) || text.includes('acme-staging');

describe('an account named in a command, for a user with no role', () => {
  it('when they name an account that exists, then it is refused without its id or any other account', async () => {
    const answer = await ask('U0NOBODY', 'check s3 acme-prod');

    expect(answer.text).toContain('Not allowed');
    expect(answer.text).not.toContain(PROD_ID);
    expect(namesStaging(answer.text)).toBe(false);
    expect(answer.audit).toMatchObject({ outcome: 'denied' });
  });

  it('when they name an account that does not exist, then no account is listed', async () => {
    const answer = await ask('U0NOBODY', 'check s3 nosuch');

    expect(answer.text).toContain('Not allowed');
    expect(namesProd(answer.text)).toBe(false);
    expect(namesStaging(answer.text)).toBe(false);
  });
});

describe('an account named in a command, for a viewer scoped to staging', () => {
  it('when they name an account that does not exist, then only the accounts they may see are listed', async () => {
    const answer = await ask('U0VIEW', 'check s3 nosuch');

    expect(answer.text).toContain('"nosuch" is not an account you may see');
    expect(answer.text).toContain('acme-staging');
    expect(namesProd(answer.text)).toBe(false);
  });

  it('when they name an account outside their scope, then the answer is the same as for one that does not exist', async () => {
    const outside = await ask('U0VIEW', 'check s3 acme-prod');
    const missing = await ask('U0VIEW', 'check s3 acme-nope');

    expect(outside.text).toContain('"acme-prod" is not an account you may see');
    expect(outside.text).not.toContain(PROD_ID);
    expect(outside.text.replace('acme-prod', 'X')).toBe(missing.text.replace('acme-nope', 'X'));
    expect(outside.audit).toMatchObject({ outcome: 'denied' });
  });

  it('when they misspell an account outside their scope, then it is not suggested', async () => {
    const answer = await ask('U0VIEW', 'check s3 acme-prd');

    expect(namesProd(answer.text)).toBe(false);
  });

  it('when they name the id of an account outside their scope, then its name is not revealed', async () => {
    const answer = await ask('U0VIEW', `check s3 ${PROD_ID}`);

    expect(answer.text).toContain('Not allowed');
    expect(/acme-prod\b/.test(answer.text)).toBe(false);
  });

  it('when they name their own account, then the check runs on it', async () => {
    const answer = await ask('U0VIEW', 'check s3 acme-staging');

    expect(answer.text).not.toContain('Not allowed');
    expect(answer.text).toContain('acme-staging');
  });
});

describe('an account named in a command, for an admin', () => {
  it('when they misspell an account, then the nearest account is suggested and every account is listed', async () => {
    const answer = await ask('U0ADMIN', 'check s3 acme-prd');

    expect(answer.text).toContain('Did you mean `acme-prod`?');
    expect(answer.text).toContain('acme-staging');
  });
});

describe('/cloudsec whoami lists only the accounts the user may see', () => {
  it('when a user with no role asks, then no account is named', async () => {
    const answer = await ask('U0NOBODY', 'whoami');

    expect(namesProd(answer.text)).toBe(false);
    expect(namesStaging(answer.text)).toBe(false);
  });

  it('when a viewer scoped to staging asks, then staging is listed and production is not', async () => {
    const answer = await ask('U0VIEW', 'whoami');

    expect(namesStaging(answer.text)).toBe(true);
    expect(namesProd(answer.text)).toBe(false);
  });

  it('when an admin asks, then every account is covered', async () => {
    const answer = await ask('U0ADMIN', 'whoami');

    expect(answer.text).toContain('admin on all accounts');
  });
});
