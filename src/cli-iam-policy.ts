import { Option, type Command } from 'commander';
import { fixPolicyDocument, readPolicyDocument, undoPolicyDocument } from './aws/iam-policy';

/**
 * `cloudsec iam-policy`: the IAM policies cloudsec's roles need, printed from the permissions each
 * collector, remediation and the live lane declare (src/aws/iam-policy.ts).
 */
export const registerIamPolicyCommand = (program: Command, io: { stdout: (text: string) => void }): void => {
  program
    .command('iam-policy')
    .description(
      'print the IAM policy of the read-only scan role (default), of the remediation write role, or of the undo role',
    )
    .addOption(new Option('--read', 'the read-only scan role (default)').conflicts(['write', 'undo']))
    .addOption(
      new Option('--write', 'the remediation write role: only the calls fixes make, none that undo one').conflicts(
        'undo',
      ),
    )
    .addOption(new Option('--undo', 'the optional undo role: only the calls undos make (they weaken security)'))
    .addOption(
      new Option('--organization', 'include organizations:ListAccounts (for organization: in cloudsec.yml)').conflicts([
        'write',
        'undo',
      ]),
    )
    .addOption(
      new Option(
        '--queue-url <url>',
        "the live lane's SQS queue (detections.sources.sqs.queueUrl): adds the queue actions on that queue only",
      ).conflicts(['write', 'undo']),
    )
    .action((opts: { read?: boolean; write?: boolean; undo?: boolean; organization?: boolean; queueUrl?: string }) => {
      const policy = opts.write
        ? fixPolicyDocument()
        : opts.undo
          ? undoPolicyDocument()
          : readPolicyDocument({
              organization: opts.organization === true,
              ...(opts.queueUrl ? { sqsQueueUrl: opts.queueUrl } : {}),
            });
      io.stdout(JSON.stringify(policy, null, 2) + '\n');
    });
};
