/**
 * `/cloudsec exceptions [active|expiring|expired|mine|pending]` through the router and the real
 * workflow: each filter lists what it says, as the asker may see it, cloudsec.yml's accepted risks
 * beside Slack's, and Next page carries on a long list.
 */
import { removeScanAppDirs } from '../fixtures/counting-source';
import { NOW } from '../fixtures/snapshot-builders';
import { manualClock } from '../fixtures/store';
import { DAY_MS, PROD, USERS, date, exceptionsWorld, type ExceptionsWorld } from '../handlers/exceptions-harness';

afterAll(() => removeScanAppDirs());

/** A risk of the public bucket asked by the requester, ending `days` from now, approved unless said. */
const accepted = async (w: ExceptionsWorld, days: number, approve = true) => {
  const f = await w.finding();
  const { exception } = await w.requestException(USERS.requester, f.id, {
    expiry: date(w.clock().getTime() + days * DAY_MS),
  });
  if (approve) await w.press(USERS.approver, 'exception.approve', exception!.id);
  return exception!;
};

const FROM_FILE = `exceptions:
  - name: legacy-website
    scope:
      accounts: ["${PROD.id}"]
      checks: [s3_bucket_not_public_by_policy]
      resources: [legacy-public]
    reason: The static website bucket is public by design (SEC-7).
    owner: web-team
    approver: security-lead
    expires: "${new Date(NOW.getTime() + 40 * DAY_MS).toISOString().slice(0, 10)}"
`;

describe('/cloudsec exceptions', () => {
  it('when no filter is given, then the accepted risks in force are listed privately with what each hides', async () => {
    const w = exceptionsWorld();
    const e = await accepted(w, 30);
    // What each hides is counted on the latest full scan (App Home and `check all` make one).
    await w.command(USERS.admin, 'check all');

    const list = await w.command(USERS.viewer, 'exceptions');

    expect(list.last().visibility).toBe('ephemeral');
    expect(list.text).toMatch(/Accepted risks in force/);
    expect(list.text).toContain(e.id);
    expect(list.text).toMatch(/hides 1 failing finding/);
  });

  it('when `pending` is asked, then only requests waiting for approval are listed', async () => {
    const w = exceptionsWorld();
    const waiting = await accepted(w, 30, false);

    const pending = await w.command(USERS.approver, 'exceptions pending');
    const active = await w.command(USERS.approver, 'exceptions active');

    expect(pending.text).toMatch(/Accepted risks waiting for approval/);
    expect(pending.text).toContain(waiting.id);
    expect(active.text).not.toContain(waiting.id);
    expect(active.text).toMatch(/No accepted risk is in force/);
  });

  it('when `expiring` is asked, then only those ending within 7 days are listed', async () => {
    const w = exceptionsWorld();
    const soon = await accepted(w, 3);

    const expiring = await w.command(USERS.viewer, 'exceptions expiring');

    expect(expiring.text).toMatch(/expiring within 7 days/);
    expect(expiring.text).toContain(soon.id);
  });

  it('when `expired` is asked after the expiry passed, then it is listed as expired (even before the sweep)', async () => {
    const clock = manualClock(NOW);
    const w = exceptionsWorld({ clock });
    const e = await accepted(w, 1);
    clock.advance(3 * DAY_MS);

    const expired = await w.command(USERS.viewer, 'exceptions expired');
    const active = await w.command(USERS.viewer, 'exceptions active');

    expect(expired.text).toMatch(/Expired accepted risks/);
    expect(expired.text).toContain(e.id);
    expect(active.text).not.toContain(e.id);
  });

  it('when `mine` is asked, then the requester sees theirs and someone else sees none', async () => {
    const w = exceptionsWorld();
    const e = await accepted(w, 30);

    expect((await w.command(USERS.requester, 'exceptions mine')).text).toContain(e.id);
    expect((await w.command(USERS.viewer, 'exceptions mine')).text).toMatch(/neither own nor asked for/);
  });

  it('when cloudsec.yml has accepted risks, then they are listed beside Slack’s and marked by source', async () => {
    const w = exceptionsWorld({ extra: FROM_FILE });
    const e = await accepted(w, 30);

    const list = await w.command(USERS.viewer, 'exceptions');

    expect(list.text).toContain('cfg_legacy-website');
    expect(list.text).toContain('cloudsec.yml');
    expect(list.text).toContain(e.id);
  });

  it('when someone who may see only another account lists them, then none of prod’s is shown or named', async () => {
    const w = exceptionsWorld();
    const e = await accepted(w, 30);

    const list = await w.command(USERS.stagingApprover, 'exceptions');

    expect(list.text).not.toContain(e.id);
    expect(list.text).not.toMatch(new RegExp(`${PROD.id}|${PROD.name}|legacy-public`));
  });

  it('when someone without a role asks, or the filter is unknown, then they are told why', async () => {
    const w = exceptionsWorld();

    expect((await w.command(USERS.nobody, 'exceptions')).text).toMatch(/Not allowed/);
    const typo = await w.command(USERS.viewer, 'exceptions actve');
    expect(typo.text).toMatch(/"actve" is not one of active, expiring, expired, mine, pending/);
    expect(typo.text).toContain('/cloudsec exceptions [active|expiring|expired|mine|pending]');
  });

  it('when the list is longer than a page, then Next page shows the rest; a forged page value is stale', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    for (let i = 0; i < 22; i += 1) await w.requestException(USERS.requester, f.id);

    const first = await w.command(USERS.requester, 'exceptions mine');
    expect(first.text).toMatch(/Showing 1–20 of 22/);
    const next = JSON.stringify({ f: 'mine', o: 20 });
    const second = await w.press(USERS.requester, 'exception.list_page', next);
    const forged = await w.press(USERS.requester, 'exception.list_page', '{"f":"all","o":0}');

    expect(second.text).toMatch(/Showing 21–22 of 22/);
    expect(forged.text).toMatch(/no longer valid/);
  });
});
