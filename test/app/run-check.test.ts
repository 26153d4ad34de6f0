import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHECKS } from '../../src/core/checks';
import { runCheck, slicesFor } from '../../src/app/run-check';
import { makeScanService, requestOfScopeKey, scopeKeyOf } from '../../src/app/scan-service';
import { recordedSnapshotSource, type SnapshotRequest, type SnapshotSource } from '../../src/app/snapshot-source';
import { SERVICES, type Snapshot } from '../../src/core/model';
import { NOW, aSnapshot, anAccount } from '../fixtures/snapshot-builders';

/** A source that answers with `snapshot` and remembers what it was asked to collect. */
const recordingSource = (snapshot: Snapshot = aSnapshot()) => {
  const requests: SnapshotRequest[] = [];
  const source: SnapshotSource = {
    kind: 'live',
    load: async (request) => {
      requests.push(request);
      return snapshot;
    },
  };
  return { source, requests };
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A snapshot file as an older `cloudsec collect --service cloudtrail` wrote it: no S3 slice at all. */
const cloudTrailOnlyFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-run-check-'));
  dirs.push(dir);
  const file = path.join(dir, 'cloudtrail-only.json');
  const snapshot = aSnapshot([anAccount({ s3: undefined })], { services: ['cloudtrail'] });
  fs.writeFileSync(file, JSON.stringify(snapshot));
  return file;
};

describe('slicesFor', () => {
  it('when a service is reported, then every slice its checks require is collected, and no other', () => {
    expect(slicesFor(CHECKS, ['cloudtrail'])).toEqual(['s3', 'cloudtrail']);
    expect(slicesFor(CHECKS, ['iam'])).toEqual(['iam']);
  });

  it('when every service is reported, then every slice some check reads is collected, and no other', () => {
    const read = new Set(CHECKS.flatMap((c) => [c.service, ...c.requires]));
    expect(slicesFor(CHECKS, [...SERVICES])).toEqual(SERVICES.filter((s) => read.has(s)));
  });

  it('when a check reads another service, then reporting its service collects that slice too (one definition: requires)', () => {
    for (const check of CHECKS)
      expect(slicesFor(CHECKS, [check.service])).toEqual(expect.arrayContaining([...check.requires]));
  });
});

describe('runCheck', () => {
  it('when cloudtrail is checked, then the S3 slice its log-bucket checks need is collected, and only CloudTrail is reported', async () => {
    const { source, requests } = recordingSource();

    const outcome = await runCheck({ source, checks: CHECKS, clock: () => NOW }, { service: 'cloudtrail' });

    expect(requests.map((r) => [...r.services].sort())).toEqual([['cloudtrail', 's3']]);
    expect(requests[0]!.reporting).toEqual(['cloudtrail']);
    expect(outcome.services).toEqual(['cloudtrail']);
    expect(outcome.collected).toEqual(['s3', 'cloudtrail']);
    const checks = new Set(outcome.findings.map((f) => f.checkId));
    expect(checks).toContain('cloudtrail_bucket_not_public');
    expect(checks).toContain('cloudtrail_bucket_access_logging');
    expect([...checks].every((id) => id.startsWith('cloudtrail_'))).toBe(true);
  });

  it('when a snapshot lacks a slice some checks need, then those checks are unknown, saying it was not collected, and the rest run', async () => {
    const source = recordedSnapshotSource(cloudTrailOnlyFile());

    const outcome = await runCheck({ source, checks: CHECKS, clock: () => NOW }, { service: 'cloudtrail' });

    const bucketChecks = outcome.findings.filter((f) => f.checkId.startsWith('cloudtrail_bucket_'));
    expect(bucketChecks.map((f) => [f.checkId, f.status]).sort()).toEqual([
      ['cloudtrail_bucket_access_logging', 'unknown'],
      ['cloudtrail_bucket_not_public', 'unknown'],
    ]);
    for (const f of bucketChecks) {
      expect(f.message).toContain('not collected in this snapshot');
      expect(f.evidence).toEqual({ notCollected: ['s3'] });
    }
    expect(outcome.findings.find((f) => f.checkId === 'cloudtrail_kms_encrypted')?.status).toBe('pass');
  });
});

describe('scan service', () => {
  it('when Slack asks for cloudtrail, then the scan collects the S3 slice too and is keyed by the scope asked', async () => {
    const { source, requests } = recordingSource(aSnapshot([anAccount({ regions: ['us-east-1', 'eu-west-1'] })]));
    const saved: string[] = [];
    const scans = makeScanService({
      source,
      checks: CHECKS,
      store: {
        saveScan: async (scan) => {
          saved.push(scan.scopeKey);
          return `scan-${saved.length}`;
        },
      },
      clock: () => NOW,
      ttlMs: 60_000,
    });

    const result = await scans.run({ service: 'cloudtrail', regions: ['eu-west-1', 'us-east-1', 'eu-west-1'] });

    expect([...requests[0]!.services].sort()).toEqual(['cloudtrail', 's3']);
    expect(result.scopeKey).toBe('cloudtrail:*:eu-west-1,us-east-1');
    expect(saved).toEqual(['cloudtrail:*:eu-west-1,us-east-1']);
    expect(result.findings.some((f) => f.checkId === 'cloudtrail_bucket_not_public')).toBe(true);
  });
});

describe('scope keys', () => {
  it('when a key is read back, then it stands for the request it was made from', () => {
    const request = { service: 'ec2' as const, accountIds: ['111111111111'], regions: ['eu-west-1', 'us-east-1'] };
    expect(requestOfScopeKey(scopeKeyOf(request))).toEqual(request);
  });

  it('when a key names something that is not a region (a forged button value), then it is not read as a scope', () => {
    expect(requestOfScopeKey('ec2:*:us-eats-1')).toBeNull();
  });
});
