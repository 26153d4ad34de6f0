import { z } from 'zod';
import { cannot, defineRemediation } from './define';
import { sdkCall } from './sdk-call';

export const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'] as const;

/** Security Hub's note fields: 1–512 characters, not only blanks. */
const noteText = z.string().trim().min(1).max(512);

export const WorkflowOptionsSchema = z.object({
  status: z.enum(['RESOLVED', 'SUPPRESSED']),
  /** Why: shown on the finding in Security Hub. */
  note: noteText,
  /** Who asked (the Slack user), recorded on the note. */
  updatedBy: noteText,
});
export type WorkflowOptions = z.infer<typeof WorkflowOptionsSchema>;

const Before = z.object({
  region: z.string(),
  findingIdentifiers: z.array(z.object({ Id: z.string(), ProductArn: z.string() })).length(1),
  workflowStatus: z.enum(WORKFLOW_STATUSES),
  updatedBy: z.string(),
});

export default defineRemediation({
  id: 'securityhub_update_workflow',
  title: 'Mark the Security Hub finding resolved or suppressed, with a note',
  fixes: [],
  appliesTo: (finding) => finding.source === 'securityhub',
  // It changes the Security Hub finding, not the resource the finding is about.
  writesTo: 'finding',
  risk: 'low',
  permissions: ['securityhub:BatchUpdateFindings'],
  undoPermissions: ['securityhub:BatchUpdateFindings'],
  options: WorkflowOptionsSchema,
  before: Before,
  plan: (finding, _account, options) => {
    const { securityHubId, productArn, workflowStatus } = finding.evidence;
    if (typeof securityHubId !== 'string' || typeof productArn !== 'string') {
      return cannot('The finding does not carry its Security Hub id and product ARN.');
    }
    // Security Hub gives every finding a workflow status, NEW at first; a missing one is that default.
    const previous = workflowStatus ?? 'NEW';
    const parsedPrevious = z.enum(WORKFLOW_STATUSES).safeParse(previous);
    if (!parsedPrevious.success) return cannot(`The finding has an unexpected workflow status: ${String(previous)}.`);
    if (parsedPrevious.data === options.status) return cannot(`The finding is already ${options.status}.`);
    const findingIdentifiers = [{ Id: securityHubId, ProductArn: productArn }];
    return {
      ok: true,
      calls: [
        sdkCall('securityhub', 'BatchUpdateFindings', finding.region, {
          FindingIdentifiers: findingIdentifiers,
          Workflow: { Status: options.status },
          Note: { Text: options.note, UpdatedBy: options.updatedBy },
        }),
      ],
      before: {
        region: finding.region,
        findingIdentifiers,
        workflowStatus: parsedPrevious.data,
        updatedBy: options.updatedBy,
      },
    };
  },
  inverse: (_calls, before) => [
    sdkCall('securityhub', 'BatchUpdateFindings', before.region, {
      FindingIdentifiers: before.findingIdentifiers,
      Workflow: { Status: before.workflowStatus },
      Note: {
        Text: `Workflow status restored to ${before.workflowStatus} (cloudsec undo).`,
        UpdatedBy: before.updatedBy,
      },
    }),
  ],
});
