import check from '../../../../src/core/checks/eks/eks_cluster_endpoint_not_public';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { anEksCluster, anEksRegion } from '../../../fixtures/builders/eks';
import { ACCOUNT_ID, REGION, accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';
import type { EksCluster } from '../../../../src/core/model';

const accountWith = (...clusters: EksCluster[]) =>
  anAccount({ eks: { [REGION]: anEksRegion({ clusters: known(clusters) }) } });

describe('eks_cluster_endpoint_not_public', () => {
  it('when the cluster’s endpoint is private only, then it passes', () => {
    const [result] = run(check, accountWith(anEksCluster()));
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsEksCluster', id: 'platform', arn: `arn:aws:eks:${REGION}:${ACCOUNT_ID}:cluster/platform` },
    });
  });

  it('when the public endpoint is open to 0.0.0.0/0, then it fails high', () => {
    const [result] = run(
      check,
      accountWith(anEksCluster('platform', { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] })),
    );
    expect(result!.status).toBe('fail');
    expect(result!.severity).toBeUndefined();
    expect(check.severity).toBe('high');
    expect(result!.message).toBe(
      'EKS cluster platform has a public API endpoint open to 0.0.0.0/0: the whole internet can try to log in to Kubernetes.',
    );
    expect(result!.evidence).toMatchObject({ endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
  });

  it('when the public endpoint is open to ::/0 among narrower ranges, then it fails high', () => {
    const cluster = anEksCluster('dual', { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24', '::/0'] });
    const [result] = run(check, accountWith(cluster));
    expect(result!.status).toBe('fail');
    expect(result!.severity).toBeUndefined();
    expect(result!.message).toContain('open to ::/0');
  });

  it('when the public endpoint is limited to listed ranges, then it still fails (EKS.1) but only low', () => {
    const cluster = anEksCluster('ops', { endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
    const [result] = run(check, accountWith(cluster));
    expect(result!.status).toBe('fail');
    expect(result!.severity).toBe('low');
    expect(result!.message).toBe('EKS cluster ops has a public API endpoint, limited to 203.0.113.0/24.');
  });

  it.each([null, []])(
    'when the endpoint is public and AWS listed the allowed ranges as %j, then it fails high (the default is 0.0.0.0/0)',
    (publicAccessCidrs) => {
      const [result] = run(check, accountWith(anEksCluster('x', { endpointPublicAccess: true, publicAccessCidrs })));
      expect(result!.status).toBe('fail');
      expect(result!.severity).toBeUndefined();
      expect(result!.message).toContain('did not list which addresses may reach it');
    },
  );

  it('when AWS did not say whether the endpoint is public, then the cluster is unknown', () => {
    expect(statuses(run(check, accountWith(anEksCluster('x', { endpointPublicAccess: null }))))).toEqual(['x:unknown']);
  });

  it('when one cluster could not be described, then that cluster alone is unknown naming the permission', () => {
    const refused: EksCluster = { name: 'secret', endpoint: denied('eks:DescribeCluster') };
    const results = run(check, accountWith(anEksCluster(), refused));
    expect(statuses(results)).toEqual(['platform:pass', 'secret:unknown']);
    expect(results[1]!.resource.arn).toBe(`arn:aws:eks:${REGION}:${ACCOUNT_ID}:cluster/secret`);
    expect(results[1]!.evidence).toMatchObject({ missingPermission: 'eks:DescribeCluster' });
  });

  it('when the cluster list was refused, then the region is unknown naming the permission', () => {
    const account = anAccount({
      eks: { [REGION]: { clusters: { ok: false, error: accessDenied('eks:ListClusters') } } },
    });
    const [result] = run(check, account);
    expect(result).toMatchObject({ status: 'unknown', resource: { id: `${ACCOUNT_ID}/${REGION}/eks-clusters` } });
    expect(result!.message).toContain('eks:ListClusters');
  });

  it('when the region has no clusters, then there is nothing to report', () => {
    expect(run(check, accountWith())).toEqual([]);
  });

  it('when EKS was not collected at all, then the check says so instead of passing', () => {
    expect(statuses(run(check, anAccount()))).toEqual([`${ACCOUNT_ID}:unknown`]);
  });
});
