import check from '../../../../src/core/checks/efs/efs_file_system_encrypted';
import { known } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { anAccountWithEfs, anEfsFileSystem, anEfsRegion } from '../../../fixtures/builders/efs';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withFileSystems = (...fileSystems: ReturnType<typeof anEfsFileSystem>[]) =>
  anAccountWithEfs(anEfsRegion({ fileSystems: known(fileSystems) }));

describe('efs_file_system_encrypted', () => {
  it('when the file system is encrypted, then it passes', () => {
    const results = run(check, anAccountWithEfs());
    expect(statuses(results)).toEqual(['fs-0a1b2c3d4e5f60718:pass']);
    expect(results[0]!.resource).toEqual({
      type: 'AwsEfsFileSystem',
      id: 'fs-0a1b2c3d4e5f60718',
      arn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT_ID}:file-system/fs-0a1b2c3d4e5f60718`,
    });
  });

  it('when a file system is not encrypted, then it fails, naming it', () => {
    const result = resultFor(
      run(
        check,
        withFileSystems(
          anEfsFileSystem(),
          anEfsFileSystem({ id: 'fs-0legacy', name: 'build-cache', encrypted: false, kmsKeyId: null }),
        ),
      ),
      'fs-0legacy',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe('EFS file system fs-0legacy (build-cache) is not encrypted at rest.');
    expect(result.evidence).toMatchObject({ encrypted: false, kmsKeyId: null });
  });

  it('when DescribeFileSystems did not report Encrypted, then the file system is unknown, not passed', () => {
    const result = resultFor(run(check, withFileSystems(anEfsFileSystem({ encrypted: null }))), 'fs-0a1b2c3d4e5f60718');
    expect(result.status).toBe('unknown');
    expect(result.evidence).toMatchObject({ missingField: 'Encrypted' });
  });

  it('when the file systems cannot be listed, then the region is unknown, naming the permission', () => {
    const results = run(
      check,
      anAccountWithEfs(anEfsRegion({ fileSystems: denied('elasticfilesystem:DescribeFileSystems') })),
    );
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/efs-file-systems:unknown`]);
    expect(results[0]!.message).toContain('elasticfilesystem:DescribeFileSystems');
  });

  it('when a region has no file systems, then it yields no results', () => {
    expect(run(check, withFileSystems())).toEqual([]);
  });

  it('when no efs data was collected, then the check is unknown', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });

  it('when the ARN is missing from the answer, then the finding names a built ARN', () => {
    const [result] = run(check, withFileSystems(anEfsFileSystem({ id: 'fs-0noarn', arn: null })));
    expect(result!.resource.arn).toBe(`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT_ID}:file-system/fs-0noarn`);
  });
});
