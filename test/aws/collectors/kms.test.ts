import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import { makeLiveSnapshotSource } from '../../../src/aws/live-source';
import { parseConfig } from '../../../src/config';
import { KMS_CHECKS } from '../../../src/core/checks/kms';
import { evaluateAccount } from '../../../src/core/findings';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectKmsRegion } from '../../../src/aws/collectors/kms';
import { KmsRegionSchema, known, type KmsKey, type KmsRegion } from '../../../src/core/model';
import {
  KMS_ACCOUNT_ID,
  defaultKeyStatement,
  describeKeyJson,
  keyArn,
  keyPolicy,
  keyPolicyJson,
  kmsAccessDenied,
  kmsHost,
  kmsNotFound,
  kmsOk,
  kmsThrottling,
  listAliasesJson,
  listKeysJson,
  publicDecryptStatement,
  rotationStatusJson,
  TRAIL_KEY_ID,
  type KeyWire,
} from '../../fixtures/aws/fake-services/kms';
import { installFakeAws } from '../../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { NOW } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const ARN = (id: string) => keyArn(id, REGION);

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: KMS_ACCOUNT_ID,
  }),
  accountId: KMS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<KmsRegion> => KmsRegionSchema.parse(await collectKmsRegion(context(), REGION));

/** A JSON 1.1 call to `operation`, as the SDK sends it. */
const call = (operation: string, body: (b: Record<string, unknown>) => boolean = () => true) =>
  nock(kmsHost(REGION), {
    reqheaders: { 'x-amz-target': `TrentService.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
  }).post('/', (b: Record<string, unknown>) => body(b));

const listKeys = (marker?: string) => call('ListKeys', (b) => b.Limit === 1000 && b.Marker === marker);
const listAliases = (marker?: string) => call('ListAliases', (b) => b.Limit === 100 && b.Marker === marker);
const describeKey = (id: string) => call('DescribeKey', (b) => b.KeyId === id);
const rotationOf = (id: string) => call('GetKeyRotationStatus', (b) => b.KeyId === id);
const policyOf = (id: string) => call('GetKeyPolicy', (b) => b.KeyId === id && b.PolicyName === 'default');

const APP = '0d990263-018e-4e65-a703-eff731de951e';
const S3_MANAGED = '25a217e7-7170-4b8c-8bf6-045ea5f70e5b';
const SIGNING = '144be297-0ae1-44ac-9c8f-93cd8c82f841';
const wire = (id: string, over: Partial<KeyWire> = {}): KeyWire => ({ id, arn: ARN(id), ...over });
const DEFAULT_POLICY = keyPolicy([defaultKeyStatement()]);

const keysOf = (region: KmsRegion): KmsKey[] => {
  if (!region.keys.ok) throw new Error(`expected the keys to be known: ${region.keys.error.message}`);
  return region.keys.value;
};
const keyOf = (region: KmsRegion, id: string): KmsKey => {
  const key = keysOf(region).find((k) => k.id === id);
  if (!key) throw new Error(`key ${id} was not collected`);
  return key;
};

/** A customer managed symmetric key answering all three per-key calls. */
const customerKey = (id: string, rotation: boolean, policy: unknown = DEFAULT_POLICY) => {
  describeKey(id).reply(...kmsOk(describeKeyJson(wire(id))));
  rotationOf(id).reply(...kmsOk(rotationStatusJson(id, rotation)));
  policyOf(id).reply(...kmsOk(keyPolicyJson(policy)));
};

describe('collectKmsRegion', () => {
  it('when keys span two pages, then each customer key is read with its metadata, rotation and policy', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)], 'marker-2')));
    listKeys('marker-2').reply(...kmsOk(listKeysJson([wire(SIGNING)])));
    listAliases().reply(...kmsOk(listAliasesJson([{ name: 'alias/app-data', targetKeyId: APP }], REGION)));
    customerKey(APP, true);
    // An asymmetric key cannot rotate automatically: its rotation is not asked, its policy is.
    describeKey(SIGNING).reply(
      ...kmsOk(describeKeyJson(wire(SIGNING, { spec: 'RSA_2048', usage: 'SIGN_VERIFY', description: 'signing' }))),
    );
    policyOf(SIGNING).reply(...kmsOk(keyPolicyJson(DEFAULT_POLICY)));

    const region = await collect();
    expect(region.aliases).toEqual(known([{ name: 'alias/app-data', targetKeyId: APP }]));
    expect(keysOf(region)).toEqual([
      {
        id: APP,
        arn: ARN(APP),
        metadata: known({
          manager: 'CUSTOMER',
          spec: 'SYMMETRIC_DEFAULT',
          usage: 'ENCRYPT_DECRYPT',
          state: 'Enabled',
          origin: 'AWS_KMS',
          description: null,
          multiRegion: null,
          deletionDate: null,
        }),
        rotation: known({ enabled: true, periodInDays: 365, nextRotationDate: '2026-01-01T00:00:00.000Z' }),
        policy: known(DEFAULT_POLICY),
      },
      {
        id: SIGNING,
        arn: ARN(SIGNING),
        metadata: known(expect.objectContaining({ spec: 'RSA_2048', usage: 'SIGN_VERIFY', description: 'signing' })),
        rotation: null,
        policy: known(DEFAULT_POLICY),
      },
    ]);
  });

  it('when an alias/aws/ alias points at a key, then that AWS managed key is not described at all', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(S3_MANAGED)])));
    listAliases().reply(
      ...kmsOk(listAliasesJson([{ name: 'alias/aws/s3', targetKeyId: S3_MANAGED }, { name: 'alias/aws/ebs' }], REGION)),
    );
    expect(keysOf(await collect())).toEqual([
      { id: S3_MANAGED, arn: ARN(S3_MANAGED), metadata: null, rotation: null, policy: null },
    ]);
  });

  it('when the aliases span two pages, then both are read and aliases without a target are left out', async () => {
    listKeys().reply(...kmsOk(listKeysJson([])));
    listAliases().reply(...kmsOk(listAliasesJson([{ name: 'alias/aws/rds' }], REGION, KMS_ACCOUNT_ID, 'a-2')));
    listAliases('a-2').reply(...kmsOk(listAliasesJson([{ name: 'alias/app-data', targetKeyId: APP }], REGION)));
    expect((await collect()).aliases).toEqual(known([{ name: 'alias/app-data', targetKeyId: APP }]));
  });

  it('when ListAliases is refused, then every key is described and only keys DescribeKey calls AWS managed are skipped', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(S3_MANAGED), wire(APP)])));
    listAliases().reply(...kmsAccessDenied('ListAliases'));
    describeKey(S3_MANAGED).reply(...kmsOk(describeKeyJson(wire(S3_MANAGED, { manager: 'AWS' }))));
    customerKey(APP, false);

    const region = await collect();
    expect(region.aliases).toMatchObject({
      ok: false,
      error: { kind: 'access-denied', permission: 'kms:ListAliases' },
    });
    expect(keyOf(region, S3_MANAGED)).toMatchObject({
      metadata: { ok: true, value: { manager: 'AWS' } },
      rotation: null,
      policy: null,
    });
    expect(keyOf(region, APP).rotation).toEqual(known({ enabled: false, periodInDays: null, nextRotationDate: null }));
  });

  it('when ListKeys is refused, then the keys are unknown, naming kms:ListKeys', async () => {
    listKeys().reply(...kmsAccessDenied('ListKeys'));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    expect((await collect()).keys).toMatchObject({
      ok: false,
      error: { kind: 'access-denied', code: 'AccessDeniedException', permission: 'kms:ListKeys', region: REGION },
    });
  });

  it('when a key policy refuses DescribeKey, then only that key is unknown, naming kms:DescribeKey', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP), wire(SIGNING)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(...kmsAccessDenied('DescribeKey', ARN(APP)));
    customerKey(SIGNING, true);

    const region = await collect();
    expect(keyOf(region, APP)).toMatchObject({
      metadata: {
        ok: false,
        error: { kind: 'access-denied', operation: 'DescribeKey', permission: 'kms:DescribeKey' },
      },
      rotation: null,
      policy: null,
    });
    expect(keyOf(region, SIGNING).rotation).toMatchObject({ ok: true, value: { enabled: true } });
  });

  it.each([
    ['GetKeyRotationStatus', 'rotation', 'kms:GetKeyRotationStatus'],
    ['GetKeyPolicy', 'policy', 'kms:GetKeyPolicy'],
  ] as const)("when %s is refused, then only the key's %s is unknown, naming %s", async (op, field, permission) => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(...kmsOk(describeKeyJson(wire(APP))));
    rotationOf(APP).reply(
      ...(op === 'GetKeyRotationStatus' ? kmsAccessDenied(op, ARN(APP)) : kmsOk(rotationStatusJson(APP, true))),
    );
    policyOf(APP).reply(
      ...(op === 'GetKeyPolicy' ? kmsAccessDenied(op, ARN(APP)) : kmsOk(keyPolicyJson(DEFAULT_POLICY))),
    );

    const key = keyOf(await collect(), APP);
    expect(key[field]).toMatchObject({ ok: false, error: { kind: 'access-denied', permission } });
    expect(key[field === 'rotation' ? 'policy' : 'rotation']).toMatchObject({ ok: true });
  });

  it('when a key is pending deletion, then its rotation is not asked (always false then) but its policy is', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(
      ...kmsOk(describeKeyJson(wire(APP, { state: 'PendingDeletion', deletionDate: 1.7672256e9 }))),
    );
    policyOf(APP).reply(...kmsOk(keyPolicyJson(keyPolicy([defaultKeyStatement(), publicDecryptStatement]))));

    const key = keyOf(await collect(), APP);
    expect(key.metadata).toMatchObject({
      ok: true,
      value: { state: 'PendingDeletion', deletionDate: '2026-01-01T00:00:00.000Z' },
    });
    expect(key.rotation).toBeNull();
    expect(key.policy).toMatchObject({ ok: true });
  });

  it('when a key is a multi-Region replica, then its primary key is recorded', async () => {
    const mrk = 'mrk-1234abcd12ab34cd56ef1234567890ab';
    const primaryArn = keyArn(mrk, 'us-west-2');
    listKeys().reply(...kmsOk(listKeysJson([wire(mrk)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(mrk).reply(
      ...kmsOk(
        describeKeyJson(wire(mrk, { multiRegion: { type: 'REPLICA', primaryArn, primaryRegion: 'us-west-2' } })),
      ),
    );
    rotationOf(mrk).reply(...kmsOk(rotationStatusJson(mrk, false)));
    policyOf(mrk).reply(...kmsOk(keyPolicyJson(DEFAULT_POLICY)));

    expect(keyOf(await collect(), mrk).metadata).toMatchObject({
      ok: true,
      value: { multiRegion: { type: 'REPLICA', primaryArn, primaryRegion: 'us-west-2' } },
    });
  });

  it('when a key was deleted after the listing, then it is left out', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(...kmsNotFound(ARN(APP)));
    expect((await collect()).keys).toEqual(known([]));
  });

  it('when KMS throttles once, then the call is retried and the answer read', async () => {
    listKeys().reply(...kmsThrottling());
    listKeys().reply(...kmsOk(listKeysJson([])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    expect((await collect()).keys).toEqual(known([]));
  });

  it('when KMS keeps throttling, then the keys are unknown as throttled, not empty', async () => {
    listKeys()
      .times(3)
      .reply(...kmsThrottling());
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    expect((await collect()).keys).toMatchObject({
      ok: false,
      error: { kind: 'throttled', code: 'ThrottlingException' },
    });
  });

  it.each<[string, unknown]>([
    ['no Keys (an empty answer)', {}],
    ['Keys that is not a list', { Keys: 'all', Truncated: false }],
    ['a key without a KeyArn', { Keys: [{ KeyId: APP }], Truncated: false }],
    ['Truncated without NextMarker (more keys it does not say how to fetch)', { Keys: [], Truncated: true }],
  ])('when ListKeys answers %s, then the keys are unknown as malformed, not empty', async (_, body) => {
    listKeys().reply(...kmsOk(body));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    expect((await collect()).keys).toMatchObject({ ok: false, error: { kind: 'malformed', operation: 'ListKeys' } });
  });

  it('when ListAliases answers without Aliases, then the aliases are unknown and every key is described', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk({}));
    customerKey(APP, true);
    const region = await collect();
    expect(region.aliases).toMatchObject({ ok: false, error: { kind: 'malformed', operation: 'ListAliases' } });
    expect(keyOf(region, APP).metadata).toMatchObject({ ok: true });
  });

  it.each<[string, unknown]>([
    ['no KeyMetadata', {}],
    ['no KeyManager', { KeyMetadata: { ...describeKeyJson(wire(APP)).KeyMetadata, KeyManager: undefined } }],
    [
      'a KeyManager KMS does not define',
      { KeyMetadata: { ...describeKeyJson(wire(APP)).KeyMetadata, KeyManager: 'PARTNER' } },
    ],
    [
      'neither KeySpec nor CustomerMasterKeySpec',
      {
        KeyMetadata: {
          ...describeKeyJson(wire(APP)).KeyMetadata,
          KeySpec: undefined,
          CustomerMasterKeySpec: undefined,
        },
      },
    ],
    ['metadata of another key', describeKeyJson(wire(SIGNING))],
  ])(
    'when DescribeKey answers %s, then the key is unknown as malformed, and nothing else is asked',
    async (_, body) => {
      listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
      listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
      describeKey(APP).reply(...kmsOk(body));
      expect(keyOf(await collect(), APP)).toMatchObject({
        metadata: { ok: false, error: { kind: 'malformed', operation: 'DescribeKey' } },
        rotation: null,
        policy: null,
      });
    },
  );

  it.each<[string, unknown]>([
    ['no KeyRotationEnabled (never read as "off")', { KeyId: APP }],
    ['KeyRotationEnabled that is not a boolean', { KeyId: APP, KeyRotationEnabled: 'true' }],
  ])('when GetKeyRotationStatus answers %s, then the rotation is unknown as malformed', async (_, body) => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(...kmsOk(describeKeyJson(wire(APP))));
    rotationOf(APP).reply(...kmsOk(body));
    policyOf(APP).reply(...kmsOk(keyPolicyJson(DEFAULT_POLICY)));
    expect(keyOf(await collect(), APP).rotation).toMatchObject({
      ok: false,
      error: { kind: 'malformed', operation: 'GetKeyRotationStatus' },
    });
  });

  it.each<[string, unknown]>([
    ['no Policy', { PolicyName: 'default' }],
    ['a Policy that is not JSON', { Policy: '{"Statement":', PolicyName: 'default' }],
  ])('when GetKeyPolicy answers %s, then the policy is unknown as malformed, never "no policy"', async (_, body) => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(...kmsOk(describeKeyJson(wire(APP))));
    rotationOf(APP).reply(...kmsOk(rotationStatusJson(APP, true)));
    policyOf(APP).reply(...kmsOk(body));
    expect(keyOf(await collect(), APP).policy).toMatchObject({
      ok: false,
      error: { kind: 'malformed', operation: 'GetKeyPolicy' },
    });
  });

  it('when DescribeKey answers an empty body, then the key is unknown, not described as anything', async () => {
    listKeys().reply(...kmsOk(listKeysJson([wire(APP)])));
    listAliases().reply(...kmsOk(listAliasesJson([], REGION)));
    describeKey(APP).reply(200, '', { 'content-type': 'application/x-amz-json-1.1' });
    expect(keyOf(await collect(), APP).metadata).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});

describe('the simulated estate (fake-services/kms.ts) through the collector and the kms checks', () => {
  it('when a misconfigured account is scanned, then only its non-rotating and its public key fail', async () => {
    const id = '210987654321';
    const aws = installFakeAws({
      callerAccountId: id,
      organization: false,
      latencyMs: 0,
      accounts: [{ id, name: 'prod', users: 1, buckets: 0, regions: ['us-east-1', 'eu-west-1'], misconfigured: true }],
    });
    try {
      const snapshot = await makeLiveSnapshotSource({
        config: parseConfig('regions: [us-east-1, eu-west-1]\n', 'cloudsec.yml'),
        homeRegion: 'us-east-1',
        sleep: async () => {},
        clock: () => NOW,
      }).load({ services: ['kms'] });
      const findings = evaluateAccount(KMS_CHECKS, snapshot.accounts[0]!, NOW);
      expect(
        findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId} ${f.resource.id} ${f.status}`),
      ).toEqual([
        'kms_key_rotation_enabled 0b3c5d7e-9f1a-4b2c-8d3e-5f6a7b8c9d0e fail',
        'kms_key_not_public 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d fail',
      ]);
      // The trail's key rotates and is not public; the AWS managed S3 key is never described.
      expect(findings.filter((f) => f.resource.id === TRAIL_KEY_ID).map((f) => f.status)).toEqual(['pass', 'pass']);
      expect(aws.count({ service: 'kms', operation: 'DescribeKey' })).toBe(3);
      expect(aws.unhandled).toEqual([]);
    } finally {
      aws.restore();
    }
  });
});
