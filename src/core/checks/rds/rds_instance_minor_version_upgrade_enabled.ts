import { defineCheck, pass } from '../define';
import { eachInstance, instanceEvidence, instanceLabel, judgeFlag } from './common/instances';

/**
 * DocumentDB instances are listed by DescribeDBInstances too, but the setting does not apply to them:
 * "Amazon DocumentDB does not perform minor version upgrades regardless of the value set" (DocumentDB
 * API reference, DBInstance.AutoMinorVersionUpgrade). Failing them would ask for a change that does nothing.
 */
const NOT_APPLICABLE_ENGINES = new Set(['docdb']);

const judgeAutoUpgrade = judgeFlag((i) => i.autoMinorVersionUpgrade, 'AutoMinorVersionUpgrade', {
  question: 'whether it receives minor version upgrades automatically',
  on: 'receives minor engine version upgrades automatically in its maintenance window',
  off: 'does not receive minor engine version upgrades automatically (AutoMinorVersionUpgrade is off): security patches wait for someone to apply them',
});

export default defineCheck({
  id: 'rds_instance_minor_version_upgrade_enabled',
  service: 'rds',
  severity: 'medium',
  title: 'RDS DB instances upgrade minor engine versions automatically',
  failTitle: 'RDS DB instance does not upgrade minor engine versions automatically',
  rationale:
    'Minor engine versions carry security patches and bug fixes. With automatic minor version upgrades off, an instance keeps running a version with known vulnerabilities until someone upgrades it by hand.',
  remediationText:
    'Turn on automatic minor version upgrades (RDS console → Databases → Modify → Maintenance → Auto minor version upgrade: Yes), or run `aws rds modify-db-instance --db-instance-identifier <id> --auto-minor-version-upgrade` (add `--apply-immediately` to change it now rather than in the next maintenance window).',
  frameworks: { cis: '2.3.2', securityHub: 'RDS.13' },
  requires: ['rds'],
  remediation: null,
  evaluate: ({ account }) =>
    eachInstance(account, (instance, region, resource) =>
      instance.engine !== null && NOT_APPLICABLE_ENGINES.has(instance.engine)
        ? pass(
            resource,
            region,
            `RDS DB instance ${instanceLabel(instance)} is a DocumentDB instance, which AWS never upgrades automatically whatever this setting says; nothing to change.`,
            { ...instanceEvidence(instance), notApplicable: true },
          )
        : judgeAutoUpgrade(instance, region, resource),
    ),
});
