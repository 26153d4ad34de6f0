import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
  // The per-file temp folder made in test/setup-env.ts.
  const dir = process.env.CLOUDSEC_TEST_TMPDIR;
  if (dir && path.basename(dir).startsWith('cloudsec-test-')) fs.rmSync(dir, { recursive: true, force: true });
});
