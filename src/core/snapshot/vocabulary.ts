import { z } from 'zod';

/**
 * The words every snapshot slice and every finding share: severities, the services cloudsec
 * scans, and how a timestamp is written. A leaf module, so the slice modules and model.ts can all
 * import it without importing each other.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Lower rank = more severe. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const SERVICES = [
  'iam',
  's3',
  'cloudtrail',
  'ec2',
  'securityhub',
  'rds',
  'efs',
  'lambda',
  'sqs',
  'sns',
  'kms',
  'secretsmanager',
  'ecr',
  'opensearch',
  'eks',
  'guardduty',
  'config',
  'accessanalyzer',
  'cloudwatch',
  'account',
] as const;
export const ServiceSchema = z.enum(SERVICES);
export type Service = z.infer<typeof ServiceSchema>;

export const isoDate = z.string().describe('ISO-8601 timestamp');
