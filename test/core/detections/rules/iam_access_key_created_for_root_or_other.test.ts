import detection from '../../../../src/core/detections/rules/iam_access_key_created_for_root_or_other';
import { alertOf, fixture, parsed, rawFixture, severityOf, withResponse } from './exposure-harness';

describe('iam_access_key_created_for_root_or_other', () => {
  it('when root creates a key for itself, then it alerts critical on the account, with no Undo (root keys are managed as root)', () => {
    const m = alertOf(detection, fixture('create-access-key-root'));

    expect(m.summary).toBe('created an access key for the root user (`AKIAEXAMPLEROOTKEY01`)');
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({ type: 'AwsAccount', id: '111122223333', arn: null, region: 'global' });
    expect(m.undo).toBeUndefined();
  });

  it('when a user creates a key for another user, then it alerts high naming the user and the key, and the command that deactivates exactly that key (no Undo: the remediation cannot target a key the credential report does not list yet)', () => {
    const m = alertOf(detection, fixture('create-access-key-other-user'));

    expect(m.summary).toBe('created an access key for another user, `deploy-bot` (`AKIAEXAMPLEDEPLOY001`)');
    expect(severityOf(detection, m)).toBe('high');
    expect(m.resource).toEqual({ type: 'AwsIamUser', id: 'deploy-bot', arn: null, region: 'global' });
    expect(m.undo).toBeUndefined();
    expect(m.details).toContain(
      'If it was not meant: aws iam update-access-key --user-name deploy-bot --access-key-id AKIAEXAMPLEDEPLOY001 --status Inactive',
    );
  });

  it('when a user creates their own key, then it does not alert', () => {
    expect(detection.match(fixture('create-access-key-self'))).toBeNull();
  });

  it('when a user names themselves explicitly, then it does not alert', () => {
    const raw = rawFixture('create-access-key-self');

    expect(detection.match(parsed({ ...raw, requestParameters: { userName: 'alice' } }))).toBeNull();
  });

  it('when the response holds no key id, then it still alerts and says how to find the key', () => {
    const m = alertOf(
      detection,
      withResponse('create-access-key-other-user', () => null),
    );

    expect(m.summary).toBe(
      'created an access key for another user, `deploy-bot` (a key whose id the record does not hold)',
    );
    expect(m.undo).toBeUndefined();
    expect(m.details).toContain(
      'The record holds no access key id: find the new key with aws iam list-access-keys and deactivate it.',
    );
  });

  it('when a role creates a key and the record names no user, then it alerts medium that it could not tell for whom', () => {
    const raw = rawFixture('create-access-key-other-user');
    const role = rawFixture('put-role-policy-admin').userIdentity;
    const m = alertOf(
      detection,
      parsed({ ...raw, userIdentity: role, requestParameters: null, responseElements: null }),
    );

    expect(m.summary).toContain('the record does not say for which user: re-check');
    expect(severityOf(detection, m)).toBe('medium');
  });
});
