import check from '../../../../src/core/checks/opensearch/opensearch_domain_not_public';
import { known, missing } from '../../../../src/core/model';
import {
  aDomain,
  aDomainStatus,
  aPublicEndpointStatus,
  anAccountWithOpenSearch,
  anOpenSearchRegion,
  domainArnOf,
  ipAllowListPolicy,
  openAccessPolicy,
} from '../../../fixtures/builders/opensearch';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';

const verdict = (status: ReturnType<typeof aDomainStatus>) =>
  resultFor(
    run(
      check,
      anAccountWithOpenSearch(
        anOpenSearchRegion({ domains: known([aDomain({ name: 'logs', status: known(status) })]) }),
      ),
    ),
    'logs',
  );
const ENDPOINT = `search-logs-abcdefghijklmnopqrstuvwxyz.${REGION}.es.amazonaws.com`;

describe('opensearch_domain_not_public', () => {
  it('when the domain is in a VPC, then it passes, even with an open access policy', () => {
    const result = verdict(aDomainStatus('logs', { accessPolicy: known(openAccessPolicy('logs')) }));
    expect(result).toMatchObject({
      status: 'pass',
      message: 'OpenSearch domain logs is in VPC vpc-0search: its endpoint is reachable only from inside the VPC.',
      resource: { type: 'AwsOpenSearchServiceDomain', id: 'logs', arn: domainArnOf('logs') },
    });
  });

  it('when the endpoint is public and the access policy lets anyone in, then it fails as critical', () => {
    const result = verdict(aPublicEndpointStatus('logs', { accessPolicy: known(openAccessPolicy('logs')) }));
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
    expect(result.message).toBe(
      `OpenSearch domain logs has a public endpoint (${ENDPOINT}), outside any VPC, and its access policy lets anyone in: statement '#0' lets anyone (Principal AWS "*") es:*.`,
    );
    expect(result.evidence).toMatchObject({ accessPolicy: 'public', publicStatements: ['#0'] });
  });

  it('when the open policy is backed by fine-grained access control without anonymous access, then it fails as high', () => {
    const result = verdict(
      aPublicEndpointStatus('logs', {
        accessPolicy: known(openAccessPolicy('logs')),
        fineGrainedAccessControl: true,
        anonymousAuth: false,
      }),
    );
    expect(result).toMatchObject({ status: 'fail', severity: 'high' });
    expect(result.message).toContain('fine-grained access control still asks every caller to sign in');
  });

  it('when fine-grained access control allows anonymous access, then the open policy stays critical', () => {
    const result = verdict(
      aPublicEndpointStatus('logs', {
        accessPolicy: known(openAccessPolicy('logs')),
        fineGrainedAccessControl: true,
        anonymousAuth: true,
      }),
    );
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
  });

  it('when the endpoint is public but the policy allows one IP range only, then it still fails (Opensearch.2), as high', () => {
    const result = verdict(aPublicEndpointStatus('logs', { accessPolicy: known(ipAllowListPolicy('logs')) }));
    expect(result).toMatchObject({ status: 'fail', severity: 'high', evidence: { accessPolicy: 'narrowed' } });
  });

  it('when the endpoint is public and there is no access policy, then it fails as high', () => {
    const result = verdict(aPublicEndpointStatus('logs', { accessPolicy: known(null) }));
    expect(result).toMatchObject({ status: 'fail', severity: 'high', evidence: { accessPolicy: 'none' } });
  });

  it('when the endpoint is public and the access policy could not be read, then it fails as critical: it may be open', () => {
    const error = {
      ...accessDenied('es:DescribeDomains'),
      code: 'MalformedAnswer',
      kind: 'malformed' as const,
      message: 'DescribeDomains answered without AccessPolicies for logs',
    };
    const result = verdict(aPublicEndpointStatus('logs', { accessPolicy: missing(error) }));
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
    expect(result.message).toContain(
      'its access policy could not be read (DescribeDomains answered without AccessPolicies for logs), so it may let anyone in',
    );
  });

  it('when DescribeDomains was refused, then the domain is unknown, naming es:DescribeDomains', () => {
    const region = anOpenSearchRegion({
      domains: known([aDomain({ name: 'logs', status: denied('es:DescribeDomains') })]),
    });
    expect(resultFor(run(check, anAccountWithOpenSearch(region)), 'logs')).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'es:DescribeDomains' },
      resource: { arn: domainArnOf('logs') },
    });
  });

  it('when ListDomainNames was refused, then one unknown result stands for the region', () => {
    const results = run(
      check,
      anAccountWithOpenSearch(anOpenSearchRegion({ domains: missing(accessDenied('es:ListDomainNames')) })),
    );
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/opensearch-domains:unknown`]);
  });

  it('when the snapshot has no opensearch data, then the check is unknown, not passing', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
