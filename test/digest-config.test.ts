import { parseConfig } from '../src/config';
import { SERVICES } from '../src/core/model';

const digestYaml = (fields: string) => `digests:\n  - name: prod-daily\n    channel: C0SECURITY\n${fields}`;

const errorOf = (yaml: string): string => {
  try {
    parseConfig(yaml, 'cloudsec.yml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a config error');
};

describe('digests in cloudsec.yml', () => {
  it('when a digest gives only name, channel and schedule, then the rest takes its defaults', () => {
    const config = parseConfig(digestYaml('    schedule: "0 9 * * 1-5"\n'), 'cloudsec.yml');

    expect(config.digests).toEqual([
      {
        name: 'prod-daily',
        channel: 'C0SECURITY',
        schedule: '0 9 * * 1-5',
        timezone: 'UTC',
        scope: {
          services: [...SERVICES],
          minSeverity: 'low',
          sources: ['cloudsec', 'securityhub'],
        },
        style: 'full',
      },
    ]);
  });

  it('when a digest narrows its scope, then accounts, OUs, services, severity and sources are kept', () => {
    const config = parseConfig(
      digestYaml(`    schedule: "30 8 * * *"
    timezone: Europe/Berlin
    style: compact
    scope:
      accounts: [prod, "111111111111"]
      ous: [ou-ab12-34cd56ef]
      services: [s3]
      minSeverity: high
      sources: [securityhub]
`),
      'cloudsec.yml',
    );

    expect(config.digests[0]).toMatchObject({
      timezone: 'Europe/Berlin',
      style: 'compact',
      scope: {
        accounts: ['prod', '111111111111'],
        ous: ['ou-ab12-34cd56ef'],
        services: ['s3'],
        minSeverity: 'high',
        sources: ['securityhub'],
      },
    });
  });

  it('when the cron expression is invalid, then the error names the digest and the bad field', () => {
    expect(errorOf(digestYaml('    schedule: "61 9 * * *"\n'))).toContain(
      'cloudsec.yml: digests[0 "prod-daily"].schedule: "61 9 * * *" is not a valid cron expression (minute:',
    );
  });

  it('when the cron expression has the wrong number of fields, then the error says so', () => {
    expect(errorOf(digestYaml('    schedule: "9 * *"\n'))).toContain('expected 5 or 6 fields but got 3');
  });

  it('when the schedule uses a form whose times cloudsec cannot work out (15W), then it is refused', () => {
    expect(errorOf(digestYaml('    schedule: "0 9 15W * *"\n'))).toContain(
      'digests[0 "prod-daily"].schedule: schedule "0 9 15W * *": cloudsec cannot work out when it runs',
    );
  });

  it('when the time zone is unknown, then the error names the digest and suggests an IANA name', () => {
    expect(errorOf(digestYaml('    schedule: "0 9 * * *"\n    timezone: Europe/Atlantis\n'))).toContain(
      'digests[0 "prod-daily"].timezone: not a time zone this system knows; use an IANA name such as Europe/Berlin',
    );
  });

  it('when two digests share a name, then the second is reported', () => {
    const yaml = `digests:
  - { name: daily, channel: C0A1, schedule: "0 9 * * *" }
  - { name: daily, channel: C0B2, schedule: "0 17 * * *" }
`;
    expect(errorOf(yaml)).toContain('digests[1 "daily"].name: digest "daily" is defined twice');
  });

  it.each([
    ['a channel name instead of an id', 'channel: "#security"', 'channel: expected a Slack channel id'],
    ['an unknown style', 'style: loud', 'style:'],
    ['an unknown key', 'colour: red', 'colour'],
    ['an unknown service', 'scope: { services: [dynamodb] }', 'scope.services[0]'],
    ['an empty account list', 'scope: { accounts: [] }', 'an empty list matches no account'],
  ])('when a digest has %s, then the error points at it', (_, line, expected) => {
    const channel = line.startsWith('channel:') ? '' : '    channel: C0SECURITY\n';
    const yaml = `digests:\n  - name: d1\n${channel}    schedule: "0 9 * * *"\n    ${line}\n`;
    expect(errorOf(yaml)).toContain(expected);
  });
});
