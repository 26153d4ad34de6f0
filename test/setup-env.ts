import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Tests never reach AWS: fixed fake credentials and region, no instance metadata look-ups.
process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLETEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_ENDPOINT_URL;

// Every temporary file a test file makes (its own, the app's, child processes') goes into one folder
// of its own, removed when the file's tests end (test/setup-nock.ts): a full run leaves nothing in
// the machine's temp dir, whatever each test remembers to clean. Jest gives tests a copy of
// process.env, which the real `os` module never reads, so os.tmpdir itself is pointed at the folder
// (core modules are shared with the code under test); TMPDIR carries it to child processes.
// The worker's first test file keeps the real function on the (shared) module; later files in the
// same worker would otherwise find os.tmpdir pointing at the previous file's removed folder.
const shared = os as unknown as { cloudsecRealTmpdir?: () => string };
shared.cloudsecRealTmpdir ??= os.tmpdir;
const realTmp = shared.cloudsecRealTmpdir();
const testTmp = fs.mkdtempSync(path.join(realTmp, 'cloudsec-test-'));
os.tmpdir = () => testTmp;
process.env.TMPDIR = testTmp;
process.env.CLOUDSEC_TEST_TMPDIR = testTmp;
