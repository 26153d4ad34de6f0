import { z } from 'zod';
import { EXTERNAL_ACCESS_ANALYZER_TYPES, GLOBAL_REGION } from '../model';
import { cannot, collected, defineRemediation } from './define';
import { sdkCall } from './sdk-call';

/** The analyzer cloudsec creates: named after the region, so its undo deletes exactly that one. */
export const cloudsecAnalyzerName = (region: string) => `cloudsec-${region}`;

const Before = z.object({ region: z.string().min(1), analyzerName: z.string().min(1), created: z.literal(true) });

export default defineRemediation({
  id: 'accessanalyzer_create_analyzer',
  title: 'Create an IAM Access Analyzer external-access analyzer for the account in the region',
  fixes: ['accessanalyzer_analyzer_enabled'],
  // An analyzer only reads policies; it changes no access.
  risk: 'low',
  // The first analyzer creates Access Analyzer's service-linked role, which needs its own permission.
  permissions: ['access-analyzer:CreateAnalyzer', 'iam:CreateServiceLinkedRole'],
  undoPermissions: ['access-analyzer:DeleteAnalyzer'],
  before: Before,
  plan: (finding, account) => {
    const region = finding.region;
    if (region === GLOBAL_REGION) return cannot('The finding names no region to create the analyzer in.');
    const aa = account.accessanalyzer?.[region];
    if (!aa) return cannot(`The snapshot has no IAM Access Analyzer data for region ${region}; collect it first.`);
    const analyzers = collected(aa.analyzers, `the IAM Access Analyzer analyzers of ${region}`);
    if (!analyzers.ok) return analyzers;
    const external = analyzers.value.filter((a) =>
      (EXTERNAL_ACCESS_ANALYZER_TYPES as readonly string[]).includes(a.type),
    );
    const active = external.find((a) => a.status === 'ACTIVE');
    if (active) return cannot(`Analyzer ${active.name} already analyses external access in ${region}.`);
    const analyzerName = cloudsecAnalyzerName(region);
    const clash = analyzers.value.find((a) => a.name === analyzerName);
    if (clash) {
      return cannot(
        `An analyzer named ${analyzerName} already exists in ${region} (${clash.type}, ${clash.status}); delete or repair it first.`,
      );
    }
    return {
      ok: true,
      calls: [sdkCall('accessanalyzer', 'CreateAnalyzer', region, { analyzerName, type: 'ACCOUNT' })],
      before: { region, analyzerName, created: true as const },
      notes: [
        `The analyzer's zone of trust is this account: access from other accounts of the organization is reported too.`,
        ...external.map(
          (a) =>
            `Analyzer ${a.name} (${a.type}) is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''} and stays as it is.`,
        ),
      ],
    };
  },
  inverse: (_calls, before) => [
    sdkCall('accessanalyzer', 'DeleteAnalyzer', before.region, { analyzerName: before.analyzerName }),
  ],
});
