import type { EfsFileSystem, ResourceRef } from '../../model';
import { regionSettingResource } from '../../resources';
import { defineCheck, fail, pass, withFact } from '../define';

/** EFS ARNs are `arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<id>`. */
const fileSystemResource = (
  account: { accountId: string; partition: string },
  region: string,
  f: Pick<EfsFileSystem, 'id' | 'arn'>,
): ResourceRef => ({
  type: 'AwsEfsFileSystem',
  id: f.id,
  arn: f.arn ?? `arn:${account.partition}:elasticfilesystem:${region}:${account.accountId}:file-system/${f.id}`,
});

const label = (f: EfsFileSystem) => (f.name ? `${f.id} (${f.name})` : f.id);

export default defineCheck({
  id: 'efs_file_system_encrypted',
  service: 'efs',
  severity: 'medium',
  title: 'EFS file systems are encrypted at rest',
  failTitle: 'EFS file system is not encrypted at rest',
  rationale:
    'Files on an unencrypted file system, and in its backups, are stored in the clear. Encryption at rest can only be chosen when a file system is created, so unencrypted ones stay that way until their data is moved.',
  remediationText:
    'Encryption cannot be turned on for an existing file system: create an encrypted one (`aws efs create-file-system --encrypted [--kms-key-id <key>]`), copy the data across (AWS DataSync or a restore from AWS Backup into the new file system), point clients at it, then delete the old one.',
  frameworks: { cis: '2.4.1', securityHub: 'EFS.1' },
  requires: ['efs'],
  // No one-call fix: the data has to move to a new file system.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.efs).flatMap(([region, efs]) =>
      withFact(efs.fileSystems, regionSettingResource(account, region, 'efs-file-systems'), region, (fileSystems) =>
        fileSystems.map((f) => {
          const resource = fileSystemResource(account, region, f);
          const evidence = { name: f.name, state: f.state, encrypted: f.encrypted, kmsKeyId: f.kmsKeyId };
          if (f.encrypted === null)
            return {
              status: 'unknown' as const,
              resource,
              region,
              message: `Could not check: DescribeFileSystems did not report Encrypted for EFS file system ${label(f)}, so whether it is encrypted is unknown; collect again.`,
              evidence: { ...evidence, missingField: 'Encrypted' },
            };
          return f.encrypted
            ? pass(resource, region, `EFS file system ${label(f)} is encrypted at rest.`, evidence)
            : fail(resource, region, `EFS file system ${label(f)} is not encrypted at rest.`, evidence);
        }),
      ),
    ),
});
