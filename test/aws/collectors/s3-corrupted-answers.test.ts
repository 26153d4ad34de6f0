/**
 * Corrupted S3 answers: for every read the S3 collector makes, a 200 whose body is empty, an HTML
 * page, or the documented element with a required part missing. Whatever the corruption, the read
 * is missing evidence (`malformed`), and no check that fails on the true answers passes on the
 * corrupted ones.
 */
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectS3 } from '../../../src/aws/collectors/s3';
import { CHECKS } from '../../../src/core/checks';
import { evaluateAccount } from '../../../src/core/findings';
import type { FindingStatus, S3Slice } from '../../../src/core/model';
import {
  aclWithoutGrantListXml,
  aclXml,
  accountPublicAccessBlockXml,
  emptyReply,
  encryptionXml,
  htmlReply,
  interceptAccountPublicAccessBlock,
  interceptBucket,
  interceptBucketLocation,
  interceptListBuckets,
  listBucketsXml,
  locationXml,
  loggingXml,
  noEncryptionConfiguration,
  policyReply,
  policyStatusXml,
  publicAccessBlockXml,
  s3ControlError,
  versioningXml,
  xmlReply,
  type BucketReplies,
  type BucketSetting,
  type WireReply,
} from '../../fixtures/aws/s3';
import { anAccount, NOW } from '../../fixtures/snapshot-builders';

const ACCOUNT_ID = '111111111111';
const HOME = 'us-east-1';
const BUCKET = 'exposed-data';
const OWNER_ID = '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a';
const CREATED = '2024-03-05T10:20:30.000Z';
const ALL_OFF = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};
const PUBLIC_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    },
  ],
};

/** The truth: a bucket every S3 bucket check fails on, in an account without Block Public Access. */
const TRUTH: BucketReplies = {
  policyStatus: xmlReply(policyStatusXml(true)),
  policy: policyReply(PUBLIC_POLICY),
  publicAccessBlock: xmlReply(publicAccessBlockXml(ALL_OFF)),
  acl: xmlReply(
    aclXml(OWNER_ID, [
      { type: 'CanonicalUser', id: OWNER_ID, permission: 'FULL_CONTROL' },
      { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
    ]),
  ),
  encryption: noEncryptionConfiguration(),
  versioning: xmlReply(versioningXml()),
  logging: xmlReply(loggingXml()),
};
const accountBlockTruth = () =>
  s3ControlError(
    404,
    'NoSuchPublicAccessBlockConfiguration',
    'The public access block configuration was not found',
    ACCOUNT_ID,
  );

type Read = BucketSetting | 'accountPublicAccessBlock';

/** The documented element with a part S3 always sends left out. */
const ABSENT_ELEMENT: Partial<Record<Read, WireReply>> = {
  accountPublicAccessBlock: xmlReply(
    accountPublicAccessBlockXml({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false }),
  ),
  policyStatus: xmlReply(policyStatusXml(null)),
  policy: policyReply({ Version: '2012-10-17' }),
  publicAccessBlock: xmlReply(
    publicAccessBlockXml({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false }),
  ),
  acl: xmlReply(aclWithoutGrantListXml(OWNER_ID)),
  encryption: xmlReply(encryptionXml([])),
};

const CORRUPTIONS: [string, (read: Read) => WireReply | undefined][] = [
  ['an empty body', () => emptyReply()],
  ['an HTML page', () => htmlReply()],
  ['an HTML page labelled application/xml', () => htmlReply('application/xml')],
  ['a required element left out', (setting) => ABSENT_ELEMENT[setting]],
];

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: HOME, maxAttempts: 1 })({ accountId: ACCOUNT_ID }),
  accountId: ACCOUNT_ID,
  partition: 'aws',
  homeRegion: HOME,
  regions: [HOME],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** `bucket: null` when the bucket must not be asked about (its listing is unusable). */
const collect = (
  options: { bucket?: Partial<BucketReplies> | null; accountBlock?: WireReply; list?: WireReply } = {},
) => {
  interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, options.accountBlock ?? accountBlockTruth());
  interceptListBuckets(
    HOME,
    options.list ?? xmlReply(listBucketsXml([{ name: BUCKET, creationDate: CREATED, region: HOME }])),
  );
  if (options.bucket !== null) interceptBucket(BUCKET, HOME, { ...TRUTH, ...options.bucket });
  return collectS3(makeContext());
};

const S3_CHECKS = CHECKS.filter((c) => c.service === 's3');

/** `check id · resource` → status, for every S3 check on the collected slice. */
const verdicts = (slice: S3Slice): Map<string, FindingStatus> =>
  new Map(
    evaluateAccount(S3_CHECKS, anAccount({ s3: slice }), NOW).map((f) => [`${f.checkId} · ${f.resource.id}`, f.status]),
  );

/** Every verdict that is `fail` on the truth, as it reads on the corrupted answers (absent: not reported at all). */
const formerFailures = (truth: Map<string, FindingStatus>, corrupted: Map<string, FindingStatus>) =>
  [...truth].filter(([, status]) => status === 'fail').map(([key]) => [key, corrupted.get(key) ?? 'not reported']);

const MALFORMED = { ok: false, error: expect.objectContaining({ code: 'MalformedAnswer', kind: 'malformed' }) };

describe('S3 answers that are not what the API documents', () => {
  let truth: Map<string, FindingStatus>;

  beforeAll(async () => {
    truth = verdicts(await collect());
  });

  it('when every answer is the true one, then every S3 check fails (the baseline the corruptions are compared with)', () => {
    expect([...truth.values()]).toEqual(S3_CHECKS.map(() => 'fail'));
  });

  describe.each(CORRUPTIONS)('%s', (_label, corrupt) => {
    const settings = (Object.keys(TRUTH) as BucketSetting[]).filter((s) => corrupt(s) !== undefined);

    it.each(settings)(
      'when the %s answer is corrupted, then that fact is missing as malformed and no failing check passes',
      async (setting) => {
        const slice = await collect({ bucket: { [setting]: corrupt(setting)! } });

        const bucket = slice.buckets.ok ? slice.buckets.value[0]! : null;
        expect(bucket?.[setting]).toEqual(MALFORMED);
        for (const [key, status] of formerFailures(truth, verdicts(slice))) {
          expect([key, status]).toEqual([key, expect.stringMatching(/^(fail|unknown)$/)]);
        }
      },
    );

    it('when the account-level Block Public Access answer is corrupted, then it is missing as malformed and no failing check passes', async () => {
      const slice = await collect({ accountBlock: corrupt('accountPublicAccessBlock')! });

      expect(slice.accountPublicAccessBlock).toEqual(MALFORMED);
      for (const [key, status] of formerFailures(truth, verdicts(slice))) {
        expect([key, status]).toEqual([key, expect.stringMatching(/^(fail|unknown)$/)]);
      }
    });
  });

  it.each([
    ['a Group grantee without its URI', /<URI>[^<]*<\/URI>/, ''],
    ['a CanonicalUser grantee without its ID', /(<Grantee[^>]*>)<ID>[^<]*<\/ID>/, '$1'],
    ['a grantee without its type', / xsi:type="Group"/, ''],
  ])(
    'when GetBucketAcl answers %s, then the ACL is missing as malformed rather than a grant to nobody',
    async (_label, removed, replacement) => {
      const acl = (TRUTH.acl as WireReply).body.replace(removed, replacement);
      expect(acl).not.toEqual((TRUTH.acl as WireReply).body);
      const slice = await collect({ bucket: { acl: xmlReply(acl) } });

      const bucket = slice.buckets.ok ? slice.buckets.value[0]! : null;
      expect(bucket?.acl).toEqual(MALFORMED);
      expect(verdicts(slice).get(`s3_bucket_not_public_by_acl · ${BUCKET}`)).toBe('unknown');
    },
  );

  it.each([
    ['an empty body', emptyReply()],
    ['an HTML page', htmlReply()],
    ['an HTML page labelled application/xml', htmlReply('application/xml')],
    ['a result without its Buckets element', xmlReply(listBucketsXml([]).replace('<Buckets></Buckets>', ''))],
    [
      'a bucket without a name',
      xmlReply(
        listBucketsXml([{ name: BUCKET, creationDate: CREATED, region: HOME }]).replace(/<Name>[^<]*<\/Name>/, ''),
      ),
    ],
  ])(
    'when ListBuckets answers %s, then the bucket list is missing as malformed and every bucket check is unknown for the account, none passes',
    async (_label, list) => {
      const slice = await collect({ list, bucket: null });

      expect(slice.buckets).toEqual(MALFORMED);
      const corrupted = verdicts(slice);
      expect([...corrupted.values()]).not.toContain('pass');
      expect(corrupted.get(`s3_bucket_not_public_by_policy · ${ACCOUNT_ID}`)).toBe('unknown');
    },
  );

  it.each([
    ['an empty body', emptyReply()],
    ['an HTML page', htmlReply()],
    ['an HTML page labelled application/xml', htmlReply('application/xml')],
  ])(
    "when GetBucketLocation answers %s, then the bucket's settings are missing as malformed rather than read in us-east-1",
    async (_label, answer) => {
      interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, accountBlockTruth());
      interceptListBuckets(HOME, xmlReply(listBucketsXml([{ name: BUCKET, creationDate: CREATED }])));
      const location = interceptBucketLocation(BUCKET, HOME, answer);

      const slice = await collectS3(makeContext());

      location.done();
      const bucket = slice.buckets.ok ? slice.buckets.value[0]! : null;
      expect(bucket?.policyStatus).toEqual({
        ok: false,
        error: expect.objectContaining({ operation: 'GetBucketLocation', kind: 'malformed' }),
      });
      expect([...verdicts(slice).values()]).not.toContain('pass');
    },
  );

  it('when a true answer is an empty LocationConstraint, then the bucket is read in us-east-1 as the API documents', async () => {
    interceptAccountPublicAccessBlock(ACCOUNT_ID, HOME, accountBlockTruth());
    interceptListBuckets(HOME, xmlReply(listBucketsXml([{ name: BUCKET, creationDate: CREATED }])));
    interceptBucketLocation(BUCKET, HOME, xmlReply(locationXml(null)));
    const settings = interceptBucket(BUCKET, HOME, TRUTH);

    const slice = await collectS3(makeContext());

    settings.done();
    expect(slice.buckets.ok && slice.buckets.value[0]!.region).toBe(HOME);
  });

  it('when the account-level block answers every setting, then the true answer is still read (the S3 Control namespace is accepted)', async () => {
    const slice = await collect({ accountBlock: xmlReply(accountPublicAccessBlockXml(ALL_OFF)) });

    expect(slice.accountPublicAccessBlock).toEqual({
      ok: true,
      value: {
        blockPublicAcls: false,
        ignorePublicAcls: false,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      },
    });
  });
});
