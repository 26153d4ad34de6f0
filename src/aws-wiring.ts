/**
 * The AWS side of remediation and accepted risks as the bot and the console wire it: the role
 * executor (write and undo roles, each under a session name of its own) and Security Hub's workflow
 * updates.
 */
import type { Config } from './config';
import { noWriteExecutor } from './compose';
import { makeClientFactory } from './aws/clients';
import { makeRoleExecutor } from './aws/role-executor';
import { setWorkflow } from './aws/securityhub-workflow';
import { writeRoleClients } from './aws/securityhub-publish';
import type { SecurityHubWorkflowPort } from './app/exceptions';
import type { Store } from './store/store';

/** The executor of the write and undo roles, or one that refuses when no AWS region is configured (remediation then says so). */
export const buildExecutor = (
  homeRegion: string | undefined,
  config: Config,
  dryRun: boolean,
  store: Store,
  clock: () => Date,
  onCall?: (service: string, errorCode: string | null) => void,
) => {
  if (!homeRegion) return noWriteExecutor;
  // One factory per role, so CloudTrail tells a fix's session from an undo's by its name.
  const clientsByRole = {
    fix: makeClientFactory({ homeRegion, sessionName: 'cloudsec-remediation', ...(onCall ? { onCall } : {}) }),
    undo: makeClientFactory({ homeRegion, sessionName: 'cloudsec-undo', ...(onCall ? { onCall } : {}) }),
  };
  return makeRoleExecutor({
    config,
    clientsOf: (access, purpose) => clientsByRole[purpose](access),
    homeRegion,
    dryRun,
    audit: (input) => store.appendAudit(input),
    clock,
  });
};

/**
 * Security Hub's workflow status of findings accepted risks hide (SUPPRESSED, and NEW again when one
 * ends), set with each account's write role under a session of its own, so CloudTrail tells these
 * updates from fixes. Null without an AWS region (nothing can be reached): the findings stay as they are.
 */
export const buildSecurityHubWorkflow = (
  homeRegion: string | undefined,
  config: Config,
  onCall?: (service: string, errorCode: string | null) => void,
): SecurityHubWorkflowPort | null => {
  if (!homeRegion) return null;
  const clientsFor = writeRoleClients(
    config,
    makeClientFactory({ homeRegion, sessionName: 'cloudsec-exceptions', ...(onCall ? { onCall } : {}) }),
  );
  return { setWorkflow: (targets, status, note) => setWorkflow({ clientsFor }, targets, status, note) };
};
