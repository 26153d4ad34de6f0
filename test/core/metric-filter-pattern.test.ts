import { CIS_MONITORING_CONTROLS, cisMonitoringControl } from '../../src/core/cis-monitoring';
import { coversCisPattern, type Coverage, type MonitoringRequirement } from '../../src/core/metric-filter-pattern';

const requirementOf = (cis: string): MonitoringRequirement => {
  const control = cisMonitoringControl(cis);
  if (!control) throw new Error(`no control ${cis}`);
  return control.requirement;
};
const verdict = (filter: string, cis: string): Coverage => coversCisPattern(filter, requirementOf(cis));
const failing = (filter: string, cis: string) => {
  const result = verdict(filter, cis);
  if (result.covers) throw new Error(`expected ${filter} not to cover CIS ${cis}`);
  return result;
};

const CIS_4_4_NAMES = [
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
];
const anyOf = (names: readonly string[], render = (n: string) => `($.eventName = ${n})`) =>
  `{ ${names.map(render).join(' || ')} }`;

describe('coversCisPattern', () => {
  describe('the benchmark texts', () => {
    const cases = CIS_MONITORING_CONTROLS.flatMap((c) => c.benchmarkPatterns.map((p) => [c.cis, p] as const));
    it.each(cases)('when the filter is CIS %s verbatim, then it covers the requirement', (cis, pattern) => {
      expect(verdict(pattern, cis)).toEqual({ covers: true });
    });

    it.each(CIS_MONITORING_CONTROLS.map((c) => [c.cis, c.requirement.pattern] as const))(
      'when the filter is the requirement of CIS %s itself, then it covers it',
      (cis, pattern) => {
        expect(verdict(pattern, cis)).toEqual({ covers: true });
      },
    );
  });

  describe('equivalent forms seen in AWS docs, Terraform and CDK', () => {
    it.each([
      [
        '4.5',
        'disjuncts reordered',
        anyOf(['StopLogging', 'StartLogging', 'DeleteTrail', 'UpdateTrail', 'CreateTrail']),
      ],
      [
        '4.5',
        'values quoted (CDK FilterPattern.any(stringValue(…)))',
        anyOf(
          ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'],
          (n) => `($.eventName = "${n}")`,
        ),
      ],
      [
        '4.5',
        'no parentheses, no spaces, line breaks',
        '{$.eventName=CreateTrail||$.eventName=UpdateTrail||\n$.eventName=DeleteTrail||$.eventName=StartLogging||\n$.eventName=StopLogging}',
      ],
      [
        '4.5',
        'extra parentheses around groups',
        '{ (($.eventName = CreateTrail) || ($.eventName = UpdateTrail)) || ((($.eventName = DeleteTrail) || ($.eventName = StartLogging)) || ($.eventName = StopLogging)) }',
      ],
      ['4.8', 'the S3 source quoted', cis48With('"s3.amazonaws.com"')],
      ['4.8', 'the S3 source unquoted', cis48With('s3.amazonaws.com')],
      [
        '4.7',
        'the source distributed over each event',
        '{ ($.eventSource = "kms.amazonaws.com" && $.eventName = "DisableKey") || ($.eventSource = "kms.amazonaws.com" && $.eventName = "ScheduleKeyDeletion") }',
      ],
      [
        '4.7',
        'the source after the events',
        '{ (($.eventName = ScheduleKeyDeletion) || ($.eventName = DisableKey)) && ($.eventSource = kms.amazonaws.com) }',
      ],
      [
        '4.6',
        'quotes swapped between terms',
        '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }',
      ],
      [
        '4.3',
        'terms reordered and parenthesised',
        '{ ($.eventType != AwsServiceEvent) && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = Root) }',
      ],
      [
        '4.4',
        'prefix wildcards that include every listed name',
        '{ $.eventName = Delete* || $.eventName = Put* || $.eventName = Create* || $.eventName = Attach* || $.eventName = Detach* }',
      ],
      [
        '4.4',
        "IAM's own eventSource ANDed on (an allowed narrowing)",
        `{ ($.eventSource = iam.amazonaws.com) && (${anyOf(CIS_4_4_NAMES).slice(2, -2)}) }`,
      ],
      [
        '4.5',
        'extra events (wider)',
        anyOf(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors']),
      ],
    ])('when CIS %s is written with %s, then it covers', (cis, _label, filter) => {
      expect(verdict(filter, cis)).toEqual({ covers: true });
    });
  });

  describe('the research tricky cases (§1.4)', () => {
    it.each([
      [
        '4.2',
        '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }',
        'same terms, quotes irrelevant',
      ],
      [
        '4.2',
        '{ ($.eventName = ConsoleLogin) || ($.additionalEventData.MFAUsed != "Yes") }',
        'widens: noisy but compliant',
      ],
      [
        '4.1',
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        'both error-code disjuncts',
      ],
      [
        '4.1',
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
        'DNF {A}, {B, C, D} with C, D allowed',
      ],
      [
        '4.1',
        '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }',
        'DNF {A, C, D}, {B, C, D}',
      ],
      ['4.7', '{ ($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion) }', 'drops the eventSource term: wider'],
      [
        '4.13',
        '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
        'eventSource is an allowed narrowing for 4.13',
      ],
      ['4.3', '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }', 'drops a term: wider'],
      [
        '4.2',
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        'the benchmark’s SSO variant',
      ],
    ])('when CIS %s is watched by %s, then it covers (%s)', (cis, filter) => {
      expect(verdict(filter, cis)).toEqual({ covers: true });
    });

    it('when `= "No"` replaces `!= "Yes"` (4.2), then it does not cover: other values are missed', () => {
      const result = failing('{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed = "No") }', '4.2');
      expect(result.narrowing).toEqual(['$.additionalEventData.MFAUsed = "No"']);
      expect(result.reason).toMatch(/also requires `\$\.additionalEventData\.MFAUsed = "No"`/);
    });

    it('when a selector differs only in case (4.2), then it does not cover', () => {
      const result = failing('{ $.eventname = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }', '4.2');
      expect(result.narrowing).toEqual(['$.eventname = "ConsoleLogin"']);
    });

    it('when AccessDenied is exact instead of AccessDenied* (4.1), then AccessDeniedException is missed', () => {
      const result = failing('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied") }', '4.1');
      expect(result.missing).toEqual(['$.errorCode = "AccessDenied*"']);
    });

    it('when only AccessDenied* is watched (4.1), then *UnauthorizedOperation is named as missing', () => {
      expect(failing('{ $.errorCode = "AccessDenied*" }', '4.1').missing).toEqual([
        '$.errorCode = "*UnauthorizedOperation"',
      ]);
    });

    it('when one IAM policy event is left out (4.4), then it is named', () => {
      const result = failing(anyOf(CIS_4_4_NAMES.filter((n) => n !== 'DetachGroupPolicy')), '4.4');
      expect(result.missing).toEqual(['$.eventName = "DetachGroupPolicy"']);
      expect(result.reason).toBe(
        'the filter pattern does not match all required events: it misses `$.eventName = "DetachGroupPolicy"`',
      );
    });

    it('when a wildcard stops short of some names (4.4 `*Policy`), then the PolicyVersion events are missing', () => {
      expect(failing('{ $.eventName = *Policy }', '4.4').missing).toEqual([
        '$.eventName = "CreatePolicyVersion"',
        '$.eventName = "DeletePolicyVersion"',
      ]);
    });

    it('when a * sits inside a value (4.4 `Put*Policy`), then it is a literal as AWS documents, so it covers nothing', () => {
      const filter =
        '{ $.eventName = Put*Policy || $.eventName = Delete*Policy || $.eventName = *PolicyVersion || $.eventName = CreatePolicy || $.eventName = Attach*Policy || $.eventName = Detach*Policy }';
      expect(failing(filter, '4.4').missing).toContain('$.eventName = "PutRolePolicy"');
    });

    it('when a * that may have to match at least one character ends the value (`*Policy*`), then names ending in Policy are not proven', () => {
      expect(failing('{ $.eventName = *Policy* }', '4.4').missing).toContain('$.eventName = "DeletePolicy"');
    });

    it('when ScheduleKeyDeletion is missing (4.7), then it does not cover', () => {
      const result = failing('{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }', '4.7');
      expect(result.missing).toEqual(['($.eventSource = "kms.amazonaws.com" && $.eventName = "ScheduleKeyDeletion")']);
    });

    it('when an unlisted narrowing is added (4.3 `sourceIPAddress != "10.*"`), then it does not cover', () => {
      const result = failing(
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.sourceIPAddress != "10.*" }',
        '4.3',
      );
      expect(result.narrowing).toEqual(['$.sourceIPAddress != "10.*"']);
    });
  });

  describe('filters that only look similar', () => {
    it('when != stands where = belongs (4.5), then the event it negates is missing', () => {
      const filter =
        '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName != StopLogging) }';
      expect(failing(filter, '4.5').missing).toEqual(['$.eventName = "StopLogging"']);
    });

    it('when an event name has a typo (4.4 DeleteGroupPolcy), then the real event is missing', () => {
      const names = CIS_4_4_NAMES.map((n) => (n === 'DeleteGroupPolicy' ? 'DeleteGroupPolcy' : n));
      expect(failing(anyOf(names), '4.4').missing).toEqual(['$.eventName = "DeleteGroupPolicy"']);
    });

    it('when the S3 source is misspelt (4.8 s3.amazonaws.co), then every S3 event is missing', () => {
      expect(failing(cis48With('s3.amazonaws.co'), '4.8').missing).toHaveLength(9);
    });

    it('when the S3 source differs in case (4.8 "S3.amazonaws.com"), then it does not cover', () => {
      expect(verdict(cis48With('"S3.amazonaws.com"'), '4.8').covers).toBe(false);
    });

    it('when every disjunct gains `&& $.userIdentity.type = IAMUser` (4.4), then the narrowing term is named', () => {
      const filter = `{ (${anyOf(CIS_4_4_NAMES).slice(2, -2)}) && $.userIdentity.type = IAMUser }`;
      const result = failing(filter, '4.4');
      expect(result.missing).toHaveLength(16);
      expect(result.narrowing).toEqual(['$.userIdentity.type = "IAMUser"']);
      expect(result.reason).toMatch(
        /and 12 more; its closest condition also requires `\$\.userIdentity\.type = "IAMUser"`/,
      );
    });

    it('when an allowed exclusion is widened (4.1 `eventName != "Head*"`), then it narrows more than CIS allows', () => {
      const filter =
        '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.eventName != "Head*" }';
      expect(failing(filter, '4.1').narrowing).toEqual(['$.eventName != "Head*"']);
    });

    it('when an allowed guard is loosened (4.4 `eventSource = iam.*`), then it still covers: it excludes less', () => {
      const filter = `{ ($.eventSource = iam.*) && (${anyOf(CIS_4_4_NAMES).slice(2, -2)}) }`;
      expect(verdict(filter, '4.4')).toEqual({ covers: true });
    });

    it('when a deploy role is excluded (4.5 `userIdentity.arn != …`), then it does not cover: no exclusion list yet', () => {
      const filter = `{ (${anyOf(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging']).slice(2, -2)}) && $.userIdentity.arn != "arn:aws:iam::111122223333:role/Deploy" }`;
      expect(failing(filter, '4.5').narrowing).toEqual([
        '$.userIdentity.arn != "arn:aws:iam::111122223333:role/Deploy"',
      ]);
    });

    it('when an allowed narrowing belongs to another control (4.5 with iam.amazonaws.com), then it narrows', () => {
      const filter = `{ ($.eventSource = iam.amazonaws.com) && (${anyOf(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging']).slice(2, -2)}) }`;
      expect(failing(filter, '4.5').narrowing).toEqual(['$.eventSource = "iam.amazonaws.com"']);
    });

    it('when the benchmark’s own 4.1 exclusions are turned into `=` terms, then they narrow', () => {
      const filter =
        '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.eventName = "HeadBucket" }';
      expect(failing(filter, '4.1').narrowing).toEqual(['$.eventName = "HeadBucket"']);
    });

    it('when NOT EXISTS is replaced by IS NULL (4.3), then it does not cover: a null field is not a missing one', () => {
      const filter =
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy IS NULL && $.eventType != "AwsServiceEvent" }';
      expect(failing(filter, '4.3').narrowing).toEqual(['$.userIdentity.invokedBy IS NULL']);
    });

    it('when a regex value would match the events, then it still does not cover: regexes are not evaluated', () => {
      const filter =
        '{ $.eventName = %^(Create|Update|Delete)Trail$% || $.eventName = StartLogging || $.eventName = StopLogging }';
      expect(verdict(filter, '4.5').covers).toBe(false);
    });
  });

  describe('catch-all filters (they match nearly every event, so an alarm on them watches nothing)', () => {
    it('when the filter is `{ $.eventName = * }` (4.4), then it does not cover and is named as a catch-all', () => {
      const result = failing('{ $.eventName = * }', '4.4');
      expect(result.catchAll).toEqual(['$.eventName = "*"']);
      expect(result.missing).toHaveLength(16);
      expect(result.reason).toMatch(/`\$\.eventName = "\*"` matches them only as part of nearly every event/);
    });

    it('when the filter only excludes (4.5 `eventName != HeadBucket`), then it does not cover', () => {
      expect(failing('{ $.eventName != HeadBucket }', '4.5').catchAll).toEqual(['$.eventName != "HeadBucket"']);
    });

    it('when a catch-all disjunct sits beside the real events (4.4), then it still covers: it only widens', () => {
      expect(verdict(`{ $.eventName = * || ${anyOf(CIS_4_4_NAMES).slice(2, -2)} }`, '4.4')).toEqual({ covers: true });
    });

    it('when every failed call is watched (4.1 `errorCode = *`), then it does not cover: `*` names no value', () => {
      expect(failing('{ $.errorCode = * }', '4.1').catchAll).toEqual(['$.errorCode = "*"']);
    });
  });

  describe('unreadable filters never cover', () => {
    it.each([
      ['a space-delimited pattern', '[version, account, eventName = ConsoleLogin, ...]', /space-delimited/],
      ['a term pattern', '"ConsoleLogin" "Failed authentication"', /term pattern/],
      ['an empty pattern (it matches everything)', '', /empty/],
      [
        'an unparseable pattern',
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication" }',
        /cannot be read/,
      ],
      [
        'a pattern with too many alternatives',
        `{ ${Array.from({ length: 9 }, (_, i) => `($.f${i} = a || $.f${i} = b)`).join(' && ')} }`,
        /alternatives/,
      ],
      ['a huge pattern', `{ ${'($.eventName = ConsoleLogin) || '.repeat(1000)}$.a = b }`, /longer than/],
      [
        'deeply nested parentheses',
        `{ ${'('.repeat(200)}$.eventName = ConsoleLogin${')'.repeat(200)} }`,
        /nested deeper/,
      ],
    ])('when the filter is %s, then it does not cover and says why', (_label, filter, reason) => {
      const result = failing(filter, '4.6');
      expect(result.reason).toMatch(reason);
      expect(result.missing).toEqual([]);
    });
  });

  it('when the requirement itself cannot be read, then nothing covers it and the reason says it is a bug', () => {
    const broken = { pattern: '{ $.eventName = }', allowedNarrowings: [] };
    expect(coversCisPattern('{ $.eventName = X }', broken)).toMatchObject({
      covers: false,
      reason: expect.stringMatching(/cloudsec bug/),
    });
    const badNarrowing = { pattern: '{ $.eventName = X }', allowedNarrowings: ['{ $.a = 1 || $.b = 2 }'] };
    expect(coversCisPattern('{ $.eventName = X }', badNarrowing).covers).toBe(false);
  });
});

/** CIS 4.8 with the eventSource value written as given. */
function cis48With(source: string): string {
  const names = [
    'PutBucketAcl',
    'PutBucketPolicy',
    'PutBucketCors',
    'PutBucketLifecycle',
    'PutBucketReplication',
    'DeleteBucketPolicy',
    'DeleteBucketCors',
    'DeleteBucketLifecycle',
    'DeleteBucketReplication',
  ];
  return `{ ($.eventSource = ${source}) && (${names.map((n) => `($.eventName = ${n})`).join(' || ')}) }`;
}
