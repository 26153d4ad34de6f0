import { defineCheck } from '../define';
import { eachInstance, judgeFlag } from './common/instances';

export default defineCheck({
  id: 'rds_instance_storage_encrypted',
  service: 'rds',
  severity: 'medium',
  title: 'RDS DB instances are encrypted at rest',
  failTitle: 'RDS DB instance is not encrypted at rest',
  rationale:
    'An unencrypted instance leaves its storage, automated backups, read replicas and snapshots readable to anyone who gets hold of a copy: a snapshot shared by mistake, a restored backup. Encryption can only be chosen when an instance is created.',
  remediationText:
    'Encryption cannot be turned on for an existing instance: take a snapshot, copy it with encryption (`aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot> --target-db-snapshot-identifier <copy> --kms-key-id <key>`), restore a new instance from the encrypted copy, move clients to it, then delete the old instance.',
  frameworks: { cis: '2.3.1', securityHub: 'RDS.3' },
  requires: ['rds'],
  // No one-call fix: encrypting means restoring a new instance and moving clients to it.
  remediation: null,
  evaluate: ({ account }) =>
    eachInstance(
      account,
      judgeFlag((i) => i.storageEncrypted, 'StorageEncrypted', {
        question: 'whether its storage is encrypted',
        on: 'is encrypted at rest',
        off: 'is not encrypted at rest: its storage, backups and snapshots are stored unencrypted',
      }),
    ),
});
