import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

// An interceptor a test set up and nothing called means the test did not test what it claims (the
// code never asked AWS or Slack for that answer), so it fails the test that left it. nock's
// pendingMocks() already leaves out interceptors marked `.optionally()` (a call that may or may not
// happen: say why next to it) and persisted ones that answered at least once; a persisted one that
// never answered is unused too. Jest (circus) fails the current test when an afterEach throws, and
// the later hooks still run. The interceptors are removed either way, so the next test starts clean.
afterEach(() => {
  const unused = nock.pendingMocks();
  nock.cleanAll();
  if (unused.length > 0) {
    throw new Error(
      `This test left ${unused.length} nock interceptor(s) unused (mark one .optionally() only if the call may ` +
        `legitimately not happen):\n  ${unused.join('\n  ')}`,
    );
  }
});

afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
  // The per-file temp folder made in test/setup-env.ts.
  const dir = process.env.CLOUDSEC_TEST_TMPDIR;
  if (dir && path.basename(dir).startsWith('cloudsec-test-')) fs.rmSync(dir, { recursive: true, force: true });
});
