import pLimit from 'p-limit';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectS3 } from '../../../src/aws/collectors/s3';
import accountBlockCheck from '../../../src/core/checks/s3/s3_account_public_access_blocked';
import policyCheck from '../../../src/core/checks/s3/s3_bucket_not_public_by_policy';
import { S3SliceSchema, type Fact, type S3Bucket, type S3Slice } from '../../../src/core/model';
import { resultFor, run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';
import {
  accessDeniedReply,
  accountPublicAccessBlockXml,
  aclXml,
  encryptionXml,
  htmlReply,
  interceptAccountPublicAccessBlock,
  interceptBucket,
  interceptBucketLocation,
  interceptListBuckets,
  listBucketsXml,
  locationXml,
  loggingXml,
  policyReply,
  policyStatusXml,
  publicAccessBlockXml,
  s3ControlError,
  s3Error,
  slowDownReply,
  unconfiguredBucket,
  versioningXml,
  xmlReply,
  type WireBucket,
} from '../../fixtures/aws/s3';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';

const ACCOUNT_ID = '111111111111';
const HOME = 'us-east-1';
const OWNER_ID = '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a';
const CREATED = '2024-03-05T10:20:30.000Z';
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_ON_MODEL = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

const makeContext = (fanOut: CollectContext['fanOut'] = (fn) => fn()): CollectContext => ({
  clients: makeClientFactory({ homeRegion: HOME, maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT_ID,
  }),
  accountId: ACCOUNT_ID,
  partition: 'aws',
  homeRegion: HOME,
  regions: [HOME, 'eu-west-1'],
  sleep: async () => {},
  fanOut,
});

const valueOf = <T>(f: Fact<T>): T => {
  if (!f.ok) throw new Error(`expected a collected value, got ${JSON.stringify(f.error)}`);
  return f.value;
};

const bucketsOf = (slice: S3Slice): S3Bucket[] => valueOf(slice.buckets);

const bucketNamed = (slice: S3Slice, name: string): S3Bucket => {
  const b = bucketsOf(slice).find((x) => x.name === name);
  if (!b) throw new Error(`bucket ${name} not collected`);
  return b;
};

const listOnePage = (buckets: WireBucket[]) => interceptListBuckets(HOME, xmlReply(listBucketsXml(buckets)));
const accountBlockAbsent = () =>
  interceptAccountPublicAccessBlock(
    ACCOUNT_ID,
    HOME,
    s3ControlError(
      404,
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      ACCOUNT_ID,
    ),
  );

const PUBLIC_READ_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::public-site/*',
    },
  ],
};
const TLS_ONLY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::private-data', 'arn:aws:s3:::private-data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};
const KMS_KEY = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('collectS3', () => {
  it('when two buckets live in two regions, then each is read at its own regional endpoint and every setting is decoded', async () => {
    const scopes = [
      interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, xmlReply(accountPublicAccessBlockXml(ALL_ON))),
      listOnePage([
        { name: 'public-site', creationDate: CREATED, region: 'eu-west-1' },
        { name: 'private-data', creationDate: '2021-01-02T03:04:05.000Z', region: HOME },
      ]),
      interceptBucket(
        'public-site',
        'eu-west-1',
        unconfiguredBucket({
          policyStatus: xmlReply(policyStatusXml(true)),
          policy: policyReply(PUBLIC_READ_POLICY),
          acl: xmlReply(
            aclXml(OWNER_ID, [
              { type: 'CanonicalUser', id: OWNER_ID, permission: 'FULL_CONTROL' },
              { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
              { type: 'AmazonCustomerByEmail', email: 'someone@example.com', permission: 'READ_ACP' },
            ]),
          ),
          encryption: xmlReply(encryptionXml([{ algorithm: 'AES256' }])),
          versioning: xmlReply(versioningXml({ status: 'Suspended', mfaDelete: 'Disabled' })),
        }),
      ),
      interceptBucket('private-data', HOME, {
        policyStatus: xmlReply(policyStatusXml(false)),
        policy: policyReply(TLS_ONLY_POLICY),
        publicAccessBlock: xmlReply(publicAccessBlockXml(ALL_ON)),
        acl: xmlReply(aclXml(OWNER_ID, [{ type: 'CanonicalUser', id: OWNER_ID, permission: 'FULL_CONTROL' }])),
        encryption: xmlReply(encryptionXml([{ algorithm: 'aws:kms', kmsKeyId: KMS_KEY, bucketKeyEnabled: true }])),
        versioning: xmlReply(versioningXml({ status: 'Enabled', mfaDelete: 'Enabled' })),
        logging: xmlReply(loggingXml({ bucket: 'access-logs', prefix: 'private-data/' })),
      }),
    ];

    const slice = await collectS3(makeContext(pLimit(3)));

    expect(slice).toEqual({
      accountPublicAccessBlock: { ok: true, value: ALL_ON_MODEL },
      buckets: {
        ok: true,
        value: [
          {
            name: 'public-site',
            arn: 'arn:aws:s3:::public-site',
            region: 'eu-west-1',
            creationDate: CREATED,
            policyStatus: { ok: true, value: { isPublic: true } },
            policy: { ok: true, value: PUBLIC_READ_POLICY },
            publicAccessBlock: { ok: true, value: null },
            acl: {
              ok: true,
              value: {
                ownerId: OWNER_ID,
                grants: [
                  { granteeType: 'CanonicalUser', granteeId: OWNER_ID, permission: 'FULL_CONTROL' },
                  {
                    granteeType: 'Group',
                    granteeUri: 'http://acs.amazonaws.com/groups/global/AllUsers',
                    permission: 'READ',
                  },
                  { granteeType: 'AmazonCustomerByEmail', permission: 'READ_ACP' },
                ],
              },
            },
            encryption: { ok: true, value: { rules: [{ algorithm: 'AES256', kmsKeyId: null }] } },
            versioning: { ok: true, value: { status: 'Suspended', mfaDelete: false } },
            logging: { ok: true, value: null },
          },
          {
            name: 'private-data',
            arn: 'arn:aws:s3:::private-data',
            region: HOME,
            creationDate: '2021-01-02T03:04:05.000Z',
            policyStatus: { ok: true, value: { isPublic: false } },
            policy: { ok: true, value: TLS_ONLY_POLICY },
            publicAccessBlock: { ok: true, value: ALL_ON_MODEL },
            acl: {
              ok: true,
              value: {
                ownerId: OWNER_ID,
                grants: [{ granteeType: 'CanonicalUser', granteeId: OWNER_ID, permission: 'FULL_CONTROL' }],
              },
            },
            encryption: { ok: true, value: { rules: [{ algorithm: 'aws:kms', kmsKeyId: KMS_KEY }] } },
            versioning: { ok: true, value: { status: 'Enabled', mfaDelete: true } },
            logging: { ok: true, value: { targetBucket: 'access-logs', targetPrefix: 'private-data/' } },
          },
        ],
      },
    });
    expect(S3SliceSchema.parse(slice)).toEqual(slice);
    for (const scope of scopes) scope.done();
  });

  it('when the partition is not aws, then bucket ARNs carry it', async () => {
    accountBlockAbsent();
    listOnePage([{ name: 'gov-bucket', creationDate: CREATED, region: HOME }]);
    interceptBucket('gov-bucket', HOME, unconfiguredBucket());

    const slice = await collectS3({ ...makeContext(), partition: 'aws-us-gov' });

    expect(bucketNamed(slice, 'gov-bucket').arn).toBe('arn:aws-us-gov:s3:::gov-bucket');
  });

  it('when nothing is configured on the bucket or the account, then each "no such configuration" answer is a known empty state', async () => {
    const scopes = [
      accountBlockAbsent(),
      listOnePage([{ name: 'bare-bucket', creationDate: CREATED, region: HOME }]),
      interceptBucket('bare-bucket', HOME, unconfiguredBucket()),
    ];

    const slice = await collectS3(makeContext());

    expect(slice.accountPublicAccessBlock).toEqual({ ok: true, value: null });
    const b = bucketNamed(slice, 'bare-bucket');
    expect(b.policyStatus).toEqual({ ok: true, value: null });
    expect(b.policy).toEqual({ ok: true, value: null });
    expect(b.publicAccessBlock).toEqual({ ok: true, value: null });
    expect(b.encryption).toEqual({ ok: true, value: null });
    expect(b.versioning).toEqual({ ok: true, value: { status: 'Disabled', mfaDelete: false } });
    expect(b.logging).toEqual({ ok: true, value: null });
    for (const scope of scopes) scope.done();
  });

  it('when the account-level block is only partly on, then the settings S3 reports off are false', async () => {
    interceptAccountPublicAccessBlock(
      ACCOUNT_ID,
      HOME,
      xmlReply(
        accountPublicAccessBlockXml({
          BlockPublicAcls: true,
          IgnorePublicAcls: false,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: false,
        }),
      ),
    );
    listOnePage([]);

    const slice = await collectS3(makeContext());

    expect(slice.accountPublicAccessBlock).toEqual({
      ok: true,
      value: { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false },
    });
    expect(slice.buckets).toEqual({ ok: true, value: [] });
  });

  it('when the account-level block is refused, then only that fact is unknown, naming the S3 Control call and s3:GetAccountPublicAccessBlock', async () => {
    interceptAccountPublicAccessBlock(
      ACCOUNT_ID,
      HOME,
      s3ControlError(403, 'AccessDenied', 'Access Denied', ACCOUNT_ID),
    );
    listOnePage([{ name: 'some-bucket', creationDate: CREATED, region: HOME }]);
    interceptBucket('some-bucket', HOME, unconfiguredBucket());

    const slice = await collectS3(makeContext());

    expect(slice.accountPublicAccessBlock).toEqual({
      ok: false,
      error: expect.objectContaining({
        service: 's3control',
        operation: 'S3 Control GetPublicAccessBlock (account-level)',
        permission: 's3:GetAccountPublicAccessBlock',
        code: 'AccessDenied',
        kind: 'access-denied',
      }),
    });
    expect(bucketsOf(slice).map((b) => b.name)).toEqual(['some-bucket']);
  });

  it('when ListBuckets answers in pages, then the continuation token is followed and every page is collected', async () => {
    accountBlockAbsent();
    const firstPage = interceptListBuckets(
      HOME,
      xmlReply(listBucketsXml([{ name: 'alpha-bucket', creationDate: CREATED, region: HOME }], 'page-2-token')),
    );
    const secondPage = interceptListBuckets(
      HOME,
      xmlReply(listBucketsXml([{ name: 'beta-bucket', creationDate: CREATED, region: 'eu-west-2' }])),
      'page-2-token',
    );
    interceptBucket('alpha-bucket', HOME, unconfiguredBucket());
    interceptBucket('beta-bucket', 'eu-west-2', unconfiguredBucket());

    const slice = await collectS3(makeContext());

    expect(bucketsOf(slice).map((b) => [b.name, b.region])).toEqual([
      ['alpha-bucket', HOME],
      ['beta-bucket', 'eu-west-2'],
    ]);
    expect(bucketsOf(slice).every((b) => b.versioning.ok)).toBe(true);
    firstPage.done();
    secondPage.done();
  });

  it('when ListBuckets leaves out BucketRegion, then GetBucketLocation decides the region, with legacy EU and empty constraints mapped', async () => {
    accountBlockAbsent();
    listOnePage([
      { name: 'legacy-eu', creationDate: CREATED },
      { name: 'legacy-virginia', creationDate: CREATED },
      { name: 'legacy-sydney', creationDate: CREATED },
    ]);
    const locations = [
      interceptBucketLocation('legacy-eu', HOME, xmlReply(locationXml('EU'))),
      interceptBucketLocation('legacy-virginia', HOME, xmlReply(locationXml(null))),
      interceptBucketLocation('legacy-sydney', HOME, xmlReply(locationXml('ap-southeast-2'))),
    ];
    const settings = [
      interceptBucket('legacy-eu', 'eu-west-1', unconfiguredBucket()),
      interceptBucket('legacy-virginia', HOME, unconfiguredBucket()),
      interceptBucket('legacy-sydney', 'ap-southeast-2', unconfiguredBucket()),
    ];

    const slice = await collectS3(makeContext());

    expect(bucketsOf(slice).map((b) => [b.name, b.region])).toEqual([
      ['legacy-eu', 'eu-west-1'],
      ['legacy-virginia', HOME],
      ['legacy-sydney', 'ap-southeast-2'],
    ]);
    expect(bucketNamed(slice, 'legacy-sydney').versioning).toEqual({
      ok: true,
      value: { status: 'Disabled', mfaDelete: false },
    });
    for (const scope of [...locations, ...settings]) scope.done();
  });

  it("when a bucket's region cannot be found, then the bucket is still listed with every setting unknown for s3:GetBucketLocation", async () => {
    accountBlockAbsent();
    listOnePage([
      { name: 'hidden-bucket', creationDate: CREATED },
      { name: 'visible-bucket', creationDate: CREATED, region: HOME },
    ]);
    interceptBucketLocation('hidden-bucket', HOME, accessDeniedReply());
    interceptBucket('visible-bucket', HOME, unconfiguredBucket());

    const slice = await collectS3(makeContext());

    const hidden = bucketNamed(slice, 'hidden-bucket');
    const settings = [
      hidden.policyStatus,
      hidden.policy,
      hidden.publicAccessBlock,
      hidden.acl,
      hidden.encryption,
      hidden.versioning,
      hidden.logging,
    ];
    for (const f of settings) {
      expect(f).toEqual({
        ok: false,
        error: expect.objectContaining({ permission: 's3:GetBucketLocation', kind: 'access-denied' }),
      });
    }
    expect(bucketNamed(slice, 'visible-bucket').policy).toEqual({ ok: true, value: null });
  });

  it('when one per-bucket call is refused, then only that fact is unknown, naming the permission', async () => {
    accountBlockAbsent();
    listOnePage([
      { name: 'locked-bucket', creationDate: CREATED, region: 'eu-west-1' },
      { name: 'other-bucket', creationDate: CREATED, region: HOME },
    ]);
    interceptBucket(
      'locked-bucket',
      'eu-west-1',
      unconfiguredBucket({
        policy: accessDeniedReply(),
        versioning: xmlReply(versioningXml({ status: 'Enabled' })),
      }),
    );
    interceptBucket('other-bucket', HOME, unconfiguredBucket({ policy: policyReply(TLS_ONLY_POLICY) }));

    const slice = await collectS3(makeContext());

    const locked = bucketNamed(slice, 'locked-bucket');
    expect(locked.policy).toEqual({
      ok: false,
      error: {
        service: 's3',
        operation: 'GetBucketPolicy',
        permission: 's3:GetBucketPolicy',
        region: 'eu-west-1',
        code: 'AccessDenied',
        kind: 'access-denied',
        message: 'Access Denied',
      },
    });
    expect(locked.policyStatus).toEqual({ ok: true, value: null });
    expect(locked.versioning).toEqual({ ok: true, value: { status: 'Enabled', mfaDelete: false } });
    expect(bucketNamed(slice, 'other-bucket').policy).toEqual({ ok: true, value: TLS_ONLY_POLICY });
  });

  it.each([
    ['policyStatus', 's3:GetBucketPolicyStatus'],
    ['publicAccessBlock', 's3:GetBucketPublicAccessBlock'],
    ['acl', 's3:GetBucketAcl'],
    ['encryption', 's3:GetEncryptionConfiguration'],
    ['versioning', 's3:GetBucketVersioning'],
    ['logging', 's3:GetBucketLogging'],
  ] as const)('when reading %s is refused, then that fact names %s', async (setting, permission) => {
    accountBlockAbsent();
    listOnePage([{ name: 'locked-bucket', creationDate: CREATED, region: HOME }]);
    interceptBucket('locked-bucket', HOME, unconfiguredBucket({ [setting]: accessDeniedReply() }));

    const slice = await collectS3(makeContext());

    const b = bucketNamed(slice, 'locked-bucket');
    expect(b[setting]).toEqual({
      ok: false,
      error: expect.objectContaining({ permission, code: 'AccessDenied', kind: 'access-denied' }),
    });
    expect(b.policy).toEqual({ ok: true, value: null });
  });

  it('when the bucket policy is not valid JSON, then only the policy fact is unknown, as an answer cloudsec could not read', async () => {
    accountBlockAbsent();
    listOnePage([{ name: 'odd-bucket', creationDate: CREATED, region: HOME }]);
    interceptBucket(
      'odd-bucket',
      HOME,
      unconfiguredBucket({
        policyStatus: xmlReply(policyStatusXml(false)),
        policy: { status: 200, body: '{"Version": ', contentType: 'application/json' },
      }),
    );

    const slice = await collectS3(makeContext());

    const b = bucketNamed(slice, 'odd-bucket');
    expect(b.policy).toEqual({
      ok: false,
      error: expect.objectContaining({ operation: 'GetBucketPolicy', code: 'MalformedAnswer', kind: 'malformed' }),
    });
    expect(b.policyStatus).toEqual({ ok: true, value: { isPublic: false } });
  });

  it('when ListBuckets is refused, then buckets is unknown naming s3:ListAllMyBuckets and the account block is still collected', async () => {
    interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, xmlReply(accountPublicAccessBlockXml(ALL_ON)));
    interceptListBuckets(HOME, accessDeniedReply());

    const slice = await collectS3(makeContext());

    expect(slice.buckets).toEqual({
      ok: false,
      error: {
        service: 's3',
        operation: 'ListBuckets',
        permission: 's3:ListAllMyBuckets',
        region: HOME,
        code: 'AccessDenied',
        kind: 'access-denied',
        message: 'Access Denied',
      },
    });
    expect(slice.accountPublicAccessBlock).toEqual({ ok: true, value: ALL_ON_MODEL });
  });

  it('when S3 answers SlowDown first, then the SDK retries and the data is still collected', async () => {
    accountBlockAbsent();
    const list = interceptListBuckets(HOME, [
      slowDownReply(),
      xmlReply(listBucketsXml([{ name: 'busy-bucket', creationDate: CREATED, region: 'eu-west-1' }])),
    ]);
    // Another region than ListBuckets': a separate client, so the listing's throttle does not slow these calls.
    const bucket = interceptBucket(
      'busy-bucket',
      'eu-west-1',
      unconfiguredBucket({
        acl: [
          slowDownReply(),
          xmlReply(
            aclXml(OWNER_ID, [
              { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers', permission: 'WRITE' },
            ]),
          ),
        ],
      }),
    );

    const slice = await collectS3(makeContext());

    expect(bucketNamed(slice, 'busy-bucket').acl).toEqual({
      ok: true,
      value: {
        ownerId: OWNER_ID,
        grants: [
          {
            granteeType: 'Group',
            granteeUri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
            permission: 'WRITE',
          },
        ],
      },
    });
    list.done();
    bucket.done();
  });

  it('when S3 keeps answering SlowDown, then that fact is unknown as throttled and the rest is collected', async () => {
    accountBlockAbsent();
    listOnePage([{ name: 'busy-bucket', creationDate: CREATED, region: HOME }]);
    interceptBucket(
      'busy-bucket',
      HOME,
      unconfiguredBucket({ logging: [slowDownReply(), slowDownReply(), slowDownReply()] }),
    );

    const slice = await collectS3(makeContext());

    const b = bucketNamed(slice, 'busy-bucket');
    expect(b.logging).toEqual({
      ok: false,
      error: expect.objectContaining({ permission: 's3:GetBucketLogging', code: 'SlowDown', kind: 'throttled' }),
    });
    expect(b.versioning.ok).toBe(true);
  });

  describe("AWS's policy status that does not say", () => {
    const collectPublicPolicyBucket = (policyStatus: Parameters<typeof unconfiguredBucket>[0]) => {
      accountBlockAbsent();
      listOnePage([{ name: 'public-site', creationDate: CREATED, region: HOME }]);
      interceptBucket('public-site', HOME, unconfiguredBucket(policyStatus));
      return collectS3(makeContext());
    };

    it.each([
      ['a PolicyStatus without IsPublic', xmlReply(policyStatusXml(null))],
      ['IsPublic that is neither true nor false', xmlReply(policyStatusXml('yes'))],
      ['an HTML page with status 200', htmlReply()],
      ['an HTML page labelled application/xml', htmlReply('application/xml')],
    ])(
      'when GetBucketPolicyStatus answers %s, then the public policy document makes the bucket fail, and the finding says the document decided',
      async (_label, answer) => {
        const slice = await collectPublicPolicyBucket({
          policyStatus: answer,
          policy: policyReply(PUBLIC_READ_POLICY),
        });

        const b = bucketNamed(slice, 'public-site');
        expect(b.policyStatus).toEqual({
          ok: false,
          error: expect.objectContaining({
            operation: 'GetBucketPolicyStatus',
            code: 'MalformedAnswer',
            kind: 'malformed',
          }),
        });
        const result = resultFor(run(policyCheck, anAccount({ s3: slice })), 'public-site');
        expect(result.status).toBe('fail');
        expect(result.message).toContain('statement PublicRead allows anyone s3:GetObject');
        expect(result.message).toContain("Decided by cloudsec's reading of the policy document");
        expect(result.evidence).toMatchObject({
          basis: 'policy-document',
          policyStatusUnavailable: { operation: 'GetBucketPolicyStatus', kind: 'malformed' },
        });
      },
    );

    it('when GetBucketPolicyStatus answers without IsPublic and the policy document is refused, then the bucket is unknown, naming both reasons', async () => {
      const slice = await collectPublicPolicyBucket({
        policyStatus: xmlReply(policyStatusXml(null)),
        policy: accessDeniedReply(),
      });

      const result = resultFor(run(policyCheck, anAccount({ s3: slice })), 'public-site');
      expect(result.status).toBe('unknown');
      expect(result.message).toContain('GetBucketPolicyStatus answered');
      expect(result.message).toContain('cloudsec needs s3:GetBucketPolicy');
    });
  });

  it('when S3 Control answers the account-level block with an HTML page labelled as XML, then the account check is unknown and names the S3 Control call', async () => {
    interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, htmlReply('application/xml'));
    listOnePage([]);

    const slice = await collectS3(makeContext());

    expect(slice.accountPublicAccessBlock).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'MalformedAnswer', kind: 'malformed', service: 's3control' }),
    });
    const [result] = run(accountBlockCheck, anAccount({ s3: slice }));
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { operation: 'S3 Control GetPublicAccessBlock (account-level)' },
    });
    expect(result!.message).toContain('S3 Control GetPublicAccessBlock');
  });

  it('when S3 answers an error document inside a 200, then it is treated as the error S3 means (retried), not as an unreadable answer', async () => {
    accountBlockAbsent();
    listOnePage([{ name: 'flaky-bucket', creationDate: CREATED, region: HOME }]);
    const internalErrorIn200 = { ...s3Error(500, 'InternalError', 'We encountered an internal error.'), status: 200 };
    interceptBucket(
      'flaky-bucket',
      HOME,
      unconfiguredBucket({
        acl: [
          internalErrorIn200,
          xmlReply(aclXml(OWNER_ID, [{ type: 'CanonicalUser', id: OWNER_ID, permission: 'FULL_CONTROL' }])),
        ],
      }),
    );

    const slice = await collectS3(makeContext());

    expect(bucketNamed(slice, 'flaky-bucket').acl).toEqual({
      ok: true,
      value: {
        ownerId: OWNER_ID,
        grants: [{ granteeType: 'CanonicalUser', granteeId: OWNER_ID, permission: 'FULL_CONTROL' }],
      },
    });
  });
});
