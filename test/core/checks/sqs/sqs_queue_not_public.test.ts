import check from '../../../../src/core/checks/sqs/sqs_queue_not_public';
import { known, missing } from '../../../../src/core/model';
import {
  aQueue,
  aQueuePolicy,
  aQueueWithPolicy,
  anAccountWithSqs,
  anSqsRegion,
  anyoneMay,
  queueArnOf,
} from '../../../fixtures/builders/sqs';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';

const only = (policy: unknown) => anAccountWithSqs(anSqsRegion({ queues: known([aQueueWithPolicy('jobs', policy)]) }));
const verdict = (policy: unknown) => resultFor(run(check, only(policy)), 'jobs');

describe('sqs_queue_not_public', () => {
  it('when the only grant is to one SNS topic of the account, then the queue passes', () => {
    const [result] = run(check, anAccountWithSqs());
    expect(result).toMatchObject({
      status: 'pass',
      message: 'The queue policy of SQS queue order-events does not let anyone in.',
      resource: { type: 'AwsSqsQueue', id: 'order-events', arn: queueArnOf('order-events') },
      region: REGION,
    });
  });

  it('when the queue has no policy, then it passes, saying so', () => {
    expect(verdict(null)).toMatchObject({
      status: 'pass',
      message: 'SQS queue jobs has no queue policy, so no policy lets anyone in.',
    });
  });

  it('when anyone may send messages, then the queue fails as public, naming the statement and the write', () => {
    const result = verdict(aQueuePolicy('jobs', [anyoneMay('sqs:SendMessage', 'OpenIntake')]));
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      `SQS queue jobs is public: statement 'OpenIntake' lets anyone (Principal "*") sqs:SendMessage, which includes changing it or what it holds.`,
    );
    expect(result.evidence).toMatchObject({
      publicStatements: ['OpenIntake'],
      publicActions: ['sqs:SendMessage'],
      includesWrite: true,
    });
  });

  it('when anyone may only receive messages, then it still fails, without claiming write access', () => {
    const result = verdict(aQueuePolicy('jobs', [{ ...anyoneMay('sqs:ReceiveMessage'), Principal: { AWS: '*' } }]));
    expect(result.status).toBe('fail');
    expect(result.message).not.toContain('changing');
    expect(result.evidence).toMatchObject({ includesWrite: false });
  });

  it.each([
    ['StringEquals aws:SourceAccount (the caller must be the account)', 'StringEquals', 'pass'],
    ['StringEqualsIfExists aws:SourceAccount (true for a caller without the key)', 'StringEqualsIfExists', 'fail'],
  ])('when anyone may send under %s, then the queue results in %s', (_, operator, expected) => {
    const policy = aQueuePolicy('jobs', [
      anyoneMay('sqs:SendMessage', 'Scoped', { Condition: { [operator]: { 'aws:SourceAccount': ACCOUNT_ID } } }),
    ]);
    expect(verdict(policy).status).toBe(expected);
  });

  it('when an org-only Deny takes the public grant away, then the queue passes', () => {
    const policy = aQueuePolicy('jobs', [
      anyoneMay('sqs:SendMessage'),
      {
        Sid: 'OrgOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    ]);
    expect(verdict(policy).status).toBe('pass');
  });

  it('when another account may send, then the queue passes as not public, naming the account it is shared with', () => {
    const policy = aQueuePolicy('jobs', [
      {
        Sid: 'Partner',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'sqs:SendMessage',
      },
    ]);
    const result = verdict(policy);
    expect(result.status).toBe('pass');
    expect(result.message).toContain('It is shared with 999988887777, outside the estate, which is not public.');
    expect(result.evidence).toMatchObject({ sharedWith: ['999988887777'] });
  });

  it('when GetQueueAttributes was refused, then the queue is unknown, naming sqs:GetQueueAttributes', () => {
    const region = anSqsRegion({
      queues: known([aQueue({ name: 'jobs', attributes: denied('sqs:GetQueueAttributes') })]),
    });
    const result = resultFor(run(check, anAccountWithSqs(region)), 'jobs');
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'sqs:GetQueueAttributes' },
      resource: { arn: queueArnOf('jobs') },
    });
  });

  it('when the stored policy is not a policy document, then the queue is unknown, saying why, never a pass', () => {
    const result = verdict({ Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'sqs:SendMessage' }] });
    expect(result.status).toBe('unknown');
    expect(result.message).toMatch(
      /^Could not check whether SQS queue jobs is public: the queue policy is not a policy document: statement #0 Effect/,
    );
    expect(result.evidence).toMatchObject({ errorKind: 'malformed', operation: 'GetQueueAttributes' });
  });

  it('when ListQueues was refused, then one unknown result stands for the region', () => {
    const results = run(check, anAccountWithSqs(anSqsRegion({ queues: missing(accessDenied('sqs:ListQueues')) })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/sqs-queues:unknown`]);
    expect(results[0]!.evidence).toMatchObject({ missingPermission: 'sqs:ListQueues' });
  });

  it('when the snapshot has no sqs data, then the check is unknown, not passing', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
